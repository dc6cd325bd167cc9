// ManifestExamples: the examples in manifests/examples/ are real: the parser accepts them, and
// they apply against the sandbox's default fixture as their comments promise. The schema's
// refusal cases (schema_cases/invalid-*) are refused by taskhost's own parser too, and its
// valid cases (schema_cases/valid-*) accepted.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "dcv_sandbox_support.h"
#include "manifest/manifest.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::sandbox_accounts;

std::map<std::string, Object::Ptr> results_by_name(const std::string& out) {
    std::map<std::string, Object::Ptr> results;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        const Object::Ptr parsed = Poco::JSON::Parser().parse(line).extract<Object::Ptr>();
        if (parsed->has("name")) {
            results[parsed->getValue<std::string>("name")] = parsed;
        }
    }
    return results;
}

TEST(ManifestExamples, ExamplesParseAndSchemaRefusalsAreRefusedByTaskhostToo) {
    size_t examples = 0;
    for (const auto& file : fs::directory_iterator(MANIFEST_EXAMPLES_DIR)) {
        const Manifest manifest = load_manifest(file.path().string());
        EXPECT_TRUE(manifest.problems.empty())
            << file.path() << ": " << manifest.problems.front().error.text();
        EXPECT_FALSE(manifest.tasks.empty()) << file.path();
        ++examples;
    }
    EXPECT_GE(examples, 2u);
    size_t cases = 0;
    for (const auto& file : fs::directory_iterator(SCHEMA_CASES_DIR)) {
        const Manifest manifest = load_manifest(file.path().string());
        if (file.path().filename().string().rfind("valid-", 0) == 0) {
            EXPECT_TRUE(manifest.problems.empty())
                << file.path() << ": " << manifest.problems.front().error.text();
            continue;
        }
        EXPECT_FALSE(manifest.problems.empty()) << file.path() << " was accepted";
        ++cases;
    }
    EXPECT_GE(cases, 5u);
}

class ManifestExamplesApply : public taskhost_test::DcvSandboxHostTest {
  protected:
    void SetUp() override {
        DcvSandboxHostTest::SetUp();
        host_.write_config(sandbox_accounts(*server_, "TASKHOST_TEST_KEY"), "state");
    }

    ProcessResult run(const std::string& command, const std::string& example) {
        ProcessResult r = taskhost_test::run_taskhost(
            {command, std::string(MANIFEST_EXAMPLES_DIR) + "/" + example, "--json", "--config",
             host_.config_path()},
            {{"TASKHOST_TEST_KEY", kCanaryKey}});
        EXPECT_EQ(r.out.find(kCanaryKey), std::string::npos);
        EXPECT_EQ(r.err.find(kCanaryKey), std::string::npos);
        return r;
    }

    size_t puts() const {
        size_t count = 0;
        for (const sandbox::RecordedRequest& request : server_->requests()) {
            count += request.method == "PUT" ? 1 : 0;
        }
        return count;
    }
};

TEST_F(ManifestExamplesApply, SandboxResendPlansThenSendsEachTaskOnce) {
    const ProcessResult plan = run("plan", "sandbox-resend.json");
    EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    EXPECT_EQ(puts(), 0u) << "plan sent a resend";
    const ProcessResult apply = run("apply", "sandbox-resend.json");
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
    const auto results = results_by_name(apply.out);
    ASSERT_EQ(results.size(), 3u) << apply.out;
    for (const auto& [name, result] : results) {
        EXPECT_EQ(result->getValue<std::string>("status"), "succeeded") << name << apply.out;
    }
    EXPECT_EQ(server_->accepted_resends().size(), 3u);
    // The outcome says which requested address DigiCert ignores.
    EXPECT_NE(results.at("example-net-whois-contact")
                  ->getObject("outcome")
                  ->getObject("recipients")
                  ->getArray("ignored")
                  ->size(),
              0u)
        << apply.out;
    ASSERT_EQ(run("apply", "sandbox-resend.json").exit_code, 0);
    EXPECT_EQ(server_->accepted_resends().size(), 3u) << "the second apply sent something";
}

TEST_F(ManifestExamplesApply, SkipValidatedSkipsTheValidatedDomainsAndSendsThePendingOne) {
    const ProcessResult plan = run("plan", "skip-validated.json");
    EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    EXPECT_EQ(puts(), 0u) << "plan sent a resend";
    const auto planned = results_by_name(plan.out);
    ASSERT_EQ(planned.size(), 3u) << plan.out;
    EXPECT_EQ(planned.at("example-org")->getValue<std::string>("reason"), "plugin_skipped");
    EXPECT_EQ(planned.at("example-com-pending")->getValue<std::string>("status"), "planned");

    const ProcessResult apply = run("apply", "skip-validated.json");
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
    const auto results = results_by_name(apply.out);
    EXPECT_EQ(results.at("example-org")->getValue<std::string>("status"), "skipped");
    EXPECT_EQ(results.at("example-co-uk")->getValue<std::string>("status"), "skipped");
    EXPECT_EQ(results.at("example-com-pending")->getValue<std::string>("status"), "succeeded");
    ASSERT_EQ(server_->accepted_resends().size(), 1u);
    EXPECT_EQ(server_->accepted_resends()[0].domain_id, 1234567);
}

TEST_F(ManifestExamplesApply, KeepValidationsSendsTheDueDomainsOnce) {
    const ProcessResult plan = run("plan", "keep-validations.json");
    ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
    EXPECT_EQ(puts(), 0u) << "plan sent a resend";
    const auto planned = results_by_name(plan.out);
    // The default fixture's unvalidated domains; example.org, example.co.uk and the quirk
    // domain (OV active for 300 days) are not due within 30 days.
    ASSERT_EQ(planned.size(), 3u) << plan.out;
    for (const char* name : {"due-within-30d/example.com", "due-within-30d/example.net",
                             "due-within-30d/shop.example.com"}) {
        ASSERT_TRUE(planned.count(name)) << name << plan.out;
        EXPECT_EQ(planned.at(name)->getValue<std::string>("status"), "planned") << name;
    }
    ASSERT_EQ(run("apply", "keep-validations.json").exit_code, 0);
    EXPECT_EQ(server_->accepted_resends().size(), 3u);
    ASSERT_EQ(run("apply", "keep-validations.json").exit_code, 0);
    EXPECT_EQ(server_->accepted_resends().size(), 3u) << "the second apply sent something";
}

}  // namespace
}  // namespace taskhost
