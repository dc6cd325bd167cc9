// A posted run's whole report as text (issue 12: `apply --socket --json` prints each result as it
// came): the split gives back the summary and each result's exact text; a malformed or
// incomplete answer is refused with the field or the byte it goes wrong at.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "manifest/manifest_run_json.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

ManifestTaskResult result_at(size_t index, const std::string& msg) {
    ManifestTaskResult result;
    result.manifest = "posted.json";
    result.index = index;
    result.name = "task-" + std::to_string(index);
    result.task = "digicert.dcv.resend";
    result.account = "prod";
    result.status = index % 2 == 0 ? "succeeded" : "failed";
    result.changed = index % 2 == 0;
    result.failed = !result.changed;
    result.msg = msg;
    result.reason = "never_sent";
    result.outcome = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    result.outcome->set("msg", msg);
    result.outcome->set("attempts", static_cast<int64_t>(index));
    return result;
}

ManifestRunReport sample_report() {
    ManifestRunReport report;
    report.results.push_back(result_at(0, "plain"));
    report.results.push_back(result_at(1, "quotes \" and \\ and ,]} and \xc3\xa9 and \x01"));
    ManifestTaskResult whole_file;  // a file-level problem has no index
    whole_file.manifest = "posted.json";
    whole_file.status = "failed";
    whole_file.failed = whole_file.invalid = true;
    whole_file.msg = "not JSON";
    report.results.push_back(whole_file);
    report.results.push_back(result_at(3, "last"));
    report.summary.manifests = 1;
    report.summary.tasks = 4;
    report.summary.sent = 2;
    report.summary.failed = 2;
    report.summary.invalid = 1;
    report.summary.elapsed_ms = 1234;
    return report;
}

std::string rendered_one(const ManifestTaskResult& result) {
    return to_json(result.to_json());
}

TEST(ReportText, TheSplitGivesTheSummaryAndEachResultAsItWasWritten) {
    const ManifestRunReport report = sample_report();
    const std::string text = to_json(report_json(report));
    const Result<ReportText> split = split_report_text(text, "the answer");
    ASSERT_TRUE(split.ok()) << split.error().text();
    EXPECT_EQ(split.value().summary.tasks, 4u);
    EXPECT_EQ(split.value().summary.sent, 2u);
    EXPECT_EQ(split.value().summary.invalid, 1u);
    EXPECT_EQ(split.value().summary.elapsed_ms, 1234);
    ASSERT_EQ(split.value().results.size(), report.results.size());
    for (size_t i = 0; i < report.results.size(); ++i) {
        EXPECT_EQ(split.value().results[i], rendered_one(report.results[i])) << i;
    }
    // Blanks, another order and a field this client does not know change nothing.
    const std::string spaced =
        "\n{ \"results\" : [ " + rendered_one(report.results[0]) +
        " ] , \"newer\": [1], \"summary\" : " + to_json(summary_json(report.summary)) + " }\n";
    const Result<ReportText> again = split_report_text(spaced, "the answer");
    ASSERT_TRUE(again.ok()) << again.error().text();
    ASSERT_EQ(again.value().results.size(), 1u);
    EXPECT_EQ(again.value().results[0], rendered_one(report.results[0]));
    EXPECT_TRUE(split_report_text(
                    "{\"summary\":" + to_json(summary_json(report.summary)) + ",\"results\":[]}",
                    "the answer")
                    .value()
                    .results.empty());
}

TEST(ReportText, AMalformedOrIncompleteAnswerIsRefusedByFieldOrByte) {
    const std::string summary = to_json(summary_json(sample_report().summary));
    const auto refusal = [](const std::string& body) {
        const Result<ReportText> split = split_report_text(body, "the answer");
        EXPECT_FALSE(split.ok()) << body;
        return split.ok() ? std::string() : split.error().where + ": " + split.error().problem;
    };
    EXPECT_NE(refusal(R"({"summary":)" + summary + R"(,"results":[{"a":1},]})").find("at byte"),
              std::string::npos);
    EXPECT_NE(refusal(R"([1])").find("(the whole answer)"), std::string::npos);
    EXPECT_NE(refusal(R"({"results":[]})").find("summary"), std::string::npos);
    EXPECT_NE(refusal(R"({"summary":{"tasks":1},"results":[]})").find("summary.manifests"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"summary":)" + summary + "}").find("results"), std::string::npos);
    EXPECT_NE(refusal(R"({"summary":)" + summary + R"(,"results":{}})").find("results"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"summary":)" + summary + R"(,"results":[{},2]})").find("results[]"),
              std::string::npos);
    // Counts below zero (Poco throws converting them; the client ended on it).
    std::string negative = summary;
    negative.replace(negative.find("\"tasks\":4"), 9, "\"tasks\":-4");
    EXPECT_NE(refusal(R"({"summary":)" + negative + R"(,"results":[]})").find("summary.tasks"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"summary":)" + summary + R"(,"results":[],"results":[]})")
                  .find("results twice"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"summary":)" + summary + R"(,"results":[)" + std::string(100, '[') +
                      std::string(100, ']') + "]}")
                  .find("deeper than 64"),
              std::string::npos);
}

TEST(ReportText, AResultWithANegativeIndexIsRefusedByField) {
    const Result<Poco::JSON::Object::Ptr> line = parse_json_object(
        R"({"manifest":"m.json","status":"succeeded","index":-1})", JsonLimits{}, "test");
    ASSERT_TRUE(line.ok());
    const Result<ManifestTaskResult> result = result_from_json(line.value());
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().where.find("results[].index"), std::string::npos)
        << result.error().where;
}

}  // namespace
}  // namespace taskhost
