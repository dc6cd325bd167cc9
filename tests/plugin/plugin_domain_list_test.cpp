// DomainList: digicert.domain.list through the built plugin against a sandbox account of 2,500
// generated domains (three pages of 1000) plus the fixture's: every page read once, each domain
// judged per validation type, the filters selecting exactly the documented mix
// (generated_domains.h), and nothing but GETs on the wire.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <set>
#include <string>

#include "generated_domains.h"
#include "plugin_test_support.h"

namespace dcv_plugin_test {
namespace {

constexpr size_t kGenerated = 2500;

class DomainList : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options = sandbox_options();
        const auto start = std::chrono::system_clock::now();
        options.start_time = start;
        sandbox::add_generated_domains(options.domains, sandbox::DomainGenerator{kGenerated},
                                       start);
        start_sandbox(options);
    }

    static std::string spec(const std::string& params, const char* key = kCanaryKey) {
        return std::string(R"({"task":"digicert.domain.list","id":"list-1","params":)") + params +
               R"(,"connection":{"base_url":")" + server_->base_url() + R"(","ca_file":")" +
               server_->ca_file() + R"(","api_key":")" + key +
               R"(","retry":{"max_attempts":3,"initial_delay_ms":1,"max_delay_ms":5}}})";
    }

    static std::vector<std::string> targets() {
        std::vector<std::string> out;
        for (const sandbox::RecordedRequest& request : server_->requests()) {
            out.push_back(request.method + " " + request.target);
        }
        return out;
    }

    static Poco::JSON::Object::Ptr summary(const Execution& e) {
        return e.outcome->getObject("summary");
    }
};

TEST_F(DomainList, PendingOverThreePagesListsExactlyThePendingOnes) {
    RecordingHost host;
    const Execution e = execute(spec(R"({"pending":true})"), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw.substr(0, 2000);
    EXPECT_EQ(e.rc, 0);
    EXPECT_FALSE(e.outcome->getValue<bool>("changed"));
    EXPECT_EQ(e.outcome->getValue<std::string>("task"), "digicert.domain.list");
    // Generated: i%10 == 0 (OV pending) and 3 (EV pending): 500. The fixture adds its three
    // unvalidated domains (example.com, example.net, shop.example.com).
    EXPECT_EQ(summary(e)->getValue<int>("matched"), 503);
    EXPECT_EQ(summary(e)->getValue<int>("listed"), 503);
    EXPECT_EQ(summary(e)->getValue<int>("pages"), 3);
    EXPECT_GE(summary(e)->getValue<int>("domains"), static_cast<int>(kGenerated));
    EXPECT_FALSE(summary(e)->getValue<bool>("truncated"));
    const auto items = e.outcome->getArray("items");
    ASSERT_EQ(items->size(), 503u);
    std::set<std::string> keys;
    for (size_t i = 0; i < items->size(); ++i) {
        const auto item = items->getObject(static_cast<unsigned>(i));
        EXPECT_TRUE(item->getValue<bool>("due")) << i;
        EXPECT_EQ(item->getObject("params")->getValue<int64_t>("domain_id"),
                  item->getValue<int64_t>("id"));
        keys.insert(item->getValue<std::string>("key"));
    }
    EXPECT_EQ(keys.size(), items->size()) << "every key names one item";
    EXPECT_TRUE(keys.count("d00000.fleet.example"));
    EXPECT_TRUE(keys.count("d00003.fleet.example")) << "an EV pending with OV active is pending";
    EXPECT_FALSE(keys.count("d00001.fleet.example"));
    const auto requests = targets();
    ASSERT_EQ(requests.size(), 3u);
    for (size_t page = 0; page < 3; ++page) {
        EXPECT_EQ(requests[page],
                  "GET /services/v2/domain?include_dcv=true&include_validation=true&limit=1000"
                  "&offset=" +
                      std::to_string(page * 1000));
    }
    EXPECT_EQ(attempts_of(e), 3);
    EXPECT_EQ(host.acquire_calls(), 0) << "no pacer offered: the plugin paced itself";
    EXPECT_EQ(records_holding(host, kCanaryKey), 0);
    EXPECT_NE(e.outcome->getValue<std::string>("msg").find("503 of "), std::string::npos);
}

TEST_F(DomainList, DueWithinAWindowIsWhatRevalidateWithinWouldSend) {
    RecordingHost host;
    const Execution e = execute(spec(R"({"due_within":"30d","active":true})"), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw.substr(0, 2000);
    // i%10 in 0..3 (pending, 10 and 25 days left, EV pending): 1000, plus the fixture's three.
    EXPECT_EQ(summary(e)->getValue<int>("matched"), 1003);
    const Execution twenty = execute(spec(R"({"due_within":"20d","active":true})"), host);
    EXPECT_EQ(summary(twenty)->getValue<int>("matched"), 753) << "25 days left is not due in 20";
    const Execution expiring = execute(spec(R"({"expiring_within":"30d"})"), host);
    EXPECT_EQ(summary(expiring)->getValue<int>("matched"), 500) << "active ones only";
    const Execution inactive = execute(spec(R"({"active":false})"), host);
    EXPECT_EQ(summary(inactive)->getValue<int>("matched"), 250);
    const Execution ev = execute(spec(R"({"validation_type":"ev","pending":false})"), host);
    EXPECT_EQ(summary(ev)->getValue<int>("matched"), 2) << "only example.org and example.co.uk "
                                                           "have an active EV";
}

TEST_F(DomainList, NameIsExactAndSearchASubstringAsDocumented) {
    RecordingHost host;
    const Execution exact = execute(spec(R"({"name":"example.com"})"), host);
    ASSERT_EQ(status_of(exact), "succeeded") << exact.raw;
    const auto items = exact.outcome->getArray("items");
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ(items->getObject(0)->getValue<std::string>("name"), "example.com");
    EXPECT_NE(targets().back().find("filters%5Bsearch%5D=example.com"), std::string::npos);
    server_->reset_records();
    const Execution search = execute(spec(R"({"search":"d0001"})"), host);
    EXPECT_EQ(summary(search)->getValue<int>("matched"), 10) << "d00010 .. d00019";
    EXPECT_NE(targets().back().find("filters%5Bsearch%5D=%25d0001"), std::string::npos)
        << targets().back();
}

TEST_F(DomainList, MaxItemsTruncatesAndSaysSo) {
    RecordingHost host;
    const Execution e = execute(spec(R"({"pending":true,"max_items":10,"page_size":500})"), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(e.outcome->getArray("items")->size(), 10u);
    EXPECT_EQ(summary(e)->getValue<int>("matched"), 503);
    EXPECT_EQ(summary(e)->getValue<int>("pages"), 6);
    EXPECT_TRUE(summary(e)->getValue<bool>("truncated"));
    EXPECT_NE(e.outcome->getValue<std::string>("msg").find("raise params.max_items"),
              std::string::npos);
}

TEST_F(DomainList, AFailedPageFailsTheListingWithoutItems) {
    RecordingHost host;
    const Execution e = execute(spec("{}", "NOT-A-KEY-0000"), host);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "auth");
    EXPECT_FALSE(e.outcome->has("items"));
    EXPECT_NE(e.outcome->getValue<std::string>("msg").find("listing the domains failed"),
              std::string::npos);
}

// An account whose full listing is larger than one outcome may be (the host takes 1 MiB): the
// items stop in time, and the outcome says so.
class LargeDomainList : public DomainList {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options = sandbox_options();
        sandbox::add_generated_domains(options.domains, sandbox::DomainGenerator{6000},
                                       std::chrono::system_clock::now());
        start_sandbox(options);
    }
};

TEST_F(LargeDomainList, TheItemsStopBeforeTheOutcomeOutgrowsWhatTheHostTakes) {
    RecordingHost host;
    const Execution e = execute(spec(R"({"max_items":20000})"), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw.substr(0, 500);
    EXPECT_LT(e.raw.size(), 1024u * 1024u);
    EXPECT_EQ(summary(e)->getValue<int>("matched"), 6006);
    EXPECT_EQ(summary(e)->getValue<int>("pages"), 7);
    EXPECT_TRUE(summary(e)->getValue<bool>("truncated"));
    const size_t listed = e.outcome->getArray("items")->size();
    EXPECT_GT(listed, 3000u);
    EXPECT_LT(listed, 6006u);
    EXPECT_NE(e.outcome->getValue<std::string>("msg").find("(what fits in one outcome)"),
              std::string::npos)
        << e.outcome->getValue<std::string>("msg");
}

}  // namespace
}  // namespace dcv_plugin_test
