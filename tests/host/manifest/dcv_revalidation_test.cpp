// DcvRevalidation: issue 10's "done when", with the built taskhost, the real plugin and a
// sandbox account of 2,500 generated domains (three pages; the mix of states is documented in
// generated_domains.h): `taskhost run digicert.domain.list pending=true` prints exactly the
// pending ones, and a for_each manifest with revalidate_within 30d plans and applies exactly
// the domains due, then sends nothing on a second apply.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <set>
#include <sstream>

#include "dcv_sandbox_support.h"
#include "generated_domains.h"

namespace taskhost_test {
namespace {

constexpr size_t kDomains = 2500;
constexpr int64_t kFirstId = 5000000;

std::string generated_name(size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "d%05zu.fleet.example", i);
    return name;
}

// Due within 30 days (and active): i % 10 in 0..3 (pending, 10 and 25 days left, EV pending).
bool due_within_30d(size_t i) {
    return i % 10 <= 3;
}

class DcvRevalidation : public ::testing::Test {
  protected:
    void SetUp() override {
        sandbox::SandboxOptions options = sandbox_options({});
        const auto start = std::chrono::system_clock::now();
        options.start_time = start;
        sandbox::add_generated_domains(options.domains,
                                       sandbox::DomainGenerator{kDomains, kFirstId}, start);
        // The sandbox does not lock the key out: the host's pacing is what this test is not.
        options.short_window = {1000000, std::chrono::seconds(5)};
        options.long_window = {1000000, std::chrono::minutes(3)};
        server_ = std::make_unique<sandbox::SandboxServer>(options);
        install_dcv_plugin(host_.plugin_dir());
        host_.write_config(
            sandbox_accounts(*server_, "TASKHOST_TEST_KEY",
                             R"("rate_limits": [{"requests": 100000, "per_seconds": 1}])"),
            "state");
    }

    ProcessResult taskhost(const std::vector<std::string>& args) {
        return run_taskhost_with_key(args, host_.config_path());
    }

    std::multiset<int64_t> resent_ids() const {
        std::multiset<int64_t> ids;
        for (const sandbox::AcceptedResend& resend : server_->accepted_resends()) {
            ids.insert(resend.domain_id);
        }
        return ids;
    }

    std::unique_ptr<sandbox::SandboxServer> server_;
    HostFixture host_;
};

TEST_F(DcvRevalidation, RunDomainListPendingPrintsExactlyThePendingOnes) {
    const ProcessResult json = taskhost({"run", "digicert.domain.list", "pending=true"});
    ASSERT_EQ(json.exit_code, 0) << json.err << json.out.substr(0, 2000);
    const auto outcome = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Object::Ptr>();
    const auto items = outcome->getArray("items");
    ASSERT_EQ(items->size(), 500u) << "i % 10 == 0 (OV pending) and 3 (EV pending)";
    std::set<std::string> names;
    for (size_t i = 0; i < items->size(); ++i) {
        names.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
    }
    for (size_t i = 0; i < kDomains; ++i) {
        EXPECT_EQ(names.count(generated_name(i)), i % 10 == 0 || i % 10 == 3 ? 1u : 0u) << i;
    }
    EXPECT_EQ(outcome->getObject("summary")->getValue<int>("pages"), 3);
    EXPECT_EQ(outcome->getObject("summary")->getValue<int>("domains"), static_cast<int>(kDomains));
    EXPECT_EQ(server_->requests().size(), 3u) << "one GET per page, nothing else";

    const ProcessResult table =
        taskhost({"run", "digicert.domain.list", "pending=true", "--format", "table"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    std::istringstream lines(table.out);
    std::string header;
    std::getline(lines, header);
    EXPECT_NE(header.find("DOMAIN"), std::string::npos) << header;
    EXPECT_NE(header.find("OV UNTIL"), std::string::npos) << header;
    size_t rows = 0;
    for (std::string line;
         std::getline(lines, line) && line.find(".fleet.example") != std::string::npos;) {
        ++rows;
    }
    EXPECT_EQ(rows, 500u) << table.out.substr(0, 1500);
    EXPECT_NE(table.out.find("d00003.fleet.example"), std::string::npos);
    EXPECT_EQ(table.out.find("d00001.fleet.example"), std::string::npos);
    EXPECT_NE(table.out.find("matched: 500"), std::string::npos) << table.out.substr(0, 300);
    EXPECT_NE(table.out.find("500 of 2500 domains match pending=true (3 pages read)"),
              std::string::npos);
}

TEST_F(DcvRevalidation, ForEachRevalidateWithin30dSendsExactlyTheDueDomainsOnce) {
    const std::string manifest = host_.root() + "/keep.json";
    std::ofstream(manifest) << R"({"version": 1,
        "defaults": {"account": "sandbox", "resend_interval": "7d"},
        "tasks": [{"name": "due", "task": "digicert.dcv.resend",
                   "for_each": {"task": "digicert.domain.list",
                                "params": {"active": true, "due_within": "30d"}},
                   "params": {"revalidate_within": "30d", "locale": "en"}}]})";
    std::set<std::string> due;
    std::multiset<int64_t> due_ids;
    for (size_t i = 0; i < kDomains; ++i) {
        if (due_within_30d(i)) {
            due.insert("due/" + generated_name(i));
            due_ids.insert(kFirstId + static_cast<int64_t>(i));
        }
    }

    const ProcessResult plan = taskhost({"plan", manifest, "--json"});
    ASSERT_EQ(plan.exit_code, 0) << plan.err << plan.out.substr(0, 2000);
    const auto planned = by_name(plan.out);
    ASSERT_EQ(planned.size(), due.size());
    for (const auto& [name, line] : planned) {
        EXPECT_TRUE(due.count(name)) << name;
        EXPECT_EQ(line->getValue<std::string>("status"), "planned") << name;
    }
    EXPECT_TRUE(server_->accepted_resends().empty()) << "a plan sent a resend";

    const ProcessResult apply = taskhost({"apply", manifest, "--json"});
    ASSERT_EQ(apply.exit_code, 0) << apply.err << apply.out.substr(0, 2000);
    EXPECT_EQ(summary_of(apply.out)->getValue<int>("sent"), static_cast<int>(due.size()));
    EXPECT_EQ(resent_ids(), due_ids) << "each due domain once, no other";

    const ProcessResult again = taskhost({"apply", manifest, "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(summary_of(again.out)->getValue<int>("sent"), 0);
    EXPECT_EQ(summary_of(again.out)->getValue<int>("unchanged"), static_cast<int>(due.size()));
    EXPECT_EQ(resent_ids(), due_ids) << "the second apply sent something";
}

}  // namespace
}  // namespace taskhost_test
