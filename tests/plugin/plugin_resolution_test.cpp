// A domain named instead of numbered, through the dlopened plugin against the sandbox over real
// TLS: resolved by an exact name match in GET /domain?filters[search]=, cached per key and base
// URL, and a name that matches no domain or several is a clear error with nothing sent.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <atomic>
#include <thread>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

constexpr int64_t kTwinA = 4000001;
constexpr int64_t kTwinB = 4000002;

class Resolution : public PluginSandboxSuite {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options = sandbox_options();
        // Two domains whose names differ only in case: one name, two ids.
        options.domains.push_back({kTwinA, "twin.example", false, {}, {}});
        options.domains.push_back({kTwinB, "Twin.Example", false, {}, {}});
        for (int i = 0; i < 8; ++i) {
            options.keys.push_back({"RESOLVE-KEY-" + std::to_string(i), "manager"});
        }
        start_sandbox(options);
    }
    // A spec naming `name`; every test uses its own key, so the plugin's process-wide cache
    // (keyed by key and base URL) starts empty for it.
    static SpecOptions by_name(const std::string& name, int key) {
        SpecOptions options;
        options.domain_id.reset();
        options.domain = name;
        options.name_scope.reset();
        options.key = "RESOLVE-KEY-" + std::to_string(key);
        return options;
    }
    static std::vector<std::string> targets() {
        std::vector<std::string> out;
        for (const sandbox::RecordedRequest& request : server_->requests()) {
            out.push_back(request.method + " " + request.target);
        }
        return out;
    }
};

Poco::JSON::Object::Ptr domain_of(const Execution& e) {
    return e.outcome->getObject("domain");
}

TEST_F(Resolution, AnExactNameResolvesToItsIdAndTheResendGoesThere) {
    RecordingHost host;
    // "example.com" also matches shop.example.com in the search: only the exact name counts.
    const Execution e = execute(resend_spec(*server_, by_name("example.com", 0)), host);
    ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(domain_of(e)->getValue<int64_t>("id"), kDomainId);
    EXPECT_EQ(domain_of(e)->getValue<std::string>("name"), "example.com");
    EXPECT_EQ(domain_of(e)->getValue<std::string>("source"), "lookup");
    EXPECT_EQ(targets(),
              (std::vector<std::string>{"GET /services/v2/domain?filters%5Bsearch%5D=example.com",
                                        "PUT /services/v2/domain/1234567/dcv/emails"}));
    EXPECT_EQ(attempts_of(e), 2) << "attempts count the lookup too";
    const auto preflight = e.outcome->getArray("preflight");
    ASSERT_EQ(preflight->size(), 1u);
    EXPECT_EQ(preflight->getObject(0)->getValue<std::string>("method"), "GET");
    EXPECT_EQ(preflight->getObject(0)->getValue<std::string>("url"),
              server_->base_url() + "/domain?filters%5Bsearch%5D=example.com");
    EXPECT_EQ(preflight->getObject(0)->getValue<int>("http_status"), 200);
    EXPECT_EQ(e.outcome->getObject("request")->getValue<std::string>("method"), "PUT")
        << "request stays the resend";
    EXPECT_EQ(e.outcome->getObject("request")->getValue<std::string>("url"),
              server_->base_url() + "/domain/1234567/dcv/emails");
    EXPECT_EQ(e.outcome->getValue<std::string>("msg"),
              "DCV emails resent for example.com (domain 1234567)");
    const auto accepted = server_->accepted_resends();
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0].domain_id, kDomainId);
}

TEST_F(Resolution, ASecondTaskUsesTheCachedIdAndMakesNoSecondLookup) {
    RecordingHost host;
    const Execution first = execute(resend_spec(*server_, by_name("shop.example.com", 1)), host);
    ASSERT_EQ(status_of(first), "succeeded") << first.raw;
    // Another letter case is the same name.
    const Execution second = execute(resend_spec(*server_, by_name("SHOP.Example.com", 1)), host);
    ASSERT_EQ(status_of(second), "succeeded") << second.raw;
    EXPECT_EQ(domain_of(second)->getValue<int64_t>("id"), 2345678);
    EXPECT_EQ(domain_of(second)->getValue<std::string>("source"), "cache");
    EXPECT_EQ(second.outcome->getArray("preflight")->size(), 0u);
    EXPECT_EQ(attempts_of(second), 1);
    EXPECT_EQ(targets(), (std::vector<std::string>{
                             "GET /services/v2/domain?filters%5Bsearch%5D=shop.example.com",
                             "PUT /services/v2/domain/2345678/dcv/emails",
                             "PUT /services/v2/domain/2345678/dcv/emails"}));

    // The cache is per key: another key looks the name up itself.
    const Execution other_key =
        execute(resend_spec(*server_, by_name("shop.example.com", 2)), host);
    EXPECT_EQ(domain_of(other_key)->getValue<std::string>("source"), "lookup") << other_key.raw;
}

TEST_F(Resolution, ANameNoDomainHasIsNotFoundAndNothingIsSent) {
    RecordingHost host;
    // "ample.com" is a substring of example.com: the search lists it, but it is not its name.
    for (int run = 0; run < 2; ++run) {
        const Execution e = execute(resend_spec(*server_, by_name("ample.com", 3)), host);
        EXPECT_NE(e.rc, 0);
        EXPECT_EQ(status_of(e), "failed") << e.raw;
        EXPECT_EQ(error_kind_of(e), "not_found") << e.raw;
        const auto error = e.outcome->getObject("error");
        EXPECT_EQ(error->getObject("details")->getValue<std::string>("field"), "params.domain");
        EXPECT_TRUE(contains(error->getValue<std::string>("msg"),
                             "no domain named ample.com is visible to this key"))
            << e.raw;
        EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "nothing was sent"));
        EXPECT_TRUE(domain_of(e)->isNull("id"));
        EXPECT_FALSE(e.outcome->has("request")) << "no id, so no resend request to show";
    }
    // Not cached: a name that did not resolve is looked up again (it may have been added).
    EXPECT_EQ(targets(),
              (std::vector<std::string>{"GET /services/v2/domain?filters%5Bsearch%5D=ample.com",
                                        "GET /services/v2/domain?filters%5Bsearch%5D=ample.com"}));
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Resolution, AnAmbiguousNameListsTheIdsAndNothingIsSent) {
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_, by_name("twin.example", 4)), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "invalid_input");
    const auto error = e.outcome->getObject("error");
    const std::string msg = error->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "ambiguous")) << msg;
    EXPECT_TRUE(contains(msg, std::to_string(kTwinA) + ", " + std::to_string(kTwinB))) << msg;
    EXPECT_TRUE(contains(msg, "give params.domain_id")) << msg;
    EXPECT_EQ(error->getObject("details")->getValue<std::string>("field"), "params.domain");
    EXPECT_EQ(server_->requests().size(), 1u);
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Resolution, AFailedLookupFailsTheTaskNamingTheStepAndNothingIsSent) {
    sandbox::FaultRule rule;
    rule.method = "GET";
    rule.path_suffix = "/domain";
    rule.count = -1;
    rule.status = 503;
    server_->add_fault(rule);
    RecordingHost host;
    SpecOptions options = by_name("example.org", 5);
    options.max_attempts = 2;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "server");
    EXPECT_EQ(attempts_of(e), 2) << "the lookup is retried like the resend";
    const std::string msg = e.outcome->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "pre-flight domain lookup")) << msg;
    EXPECT_TRUE(contains(msg, "after 2 attempts")) << msg;
    EXPECT_EQ(e.outcome->getArray("preflight")->getObject(0)->getValue<int>("http_status"), 503);
    EXPECT_EQ(server_->requests().size(), 2u);
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Resolution, ConcurrentTasksShareTheCache) {
    // Tasks racing on a cold cache may each look the name up once; after that, none does.
    constexpr int kThreads = 4;
    constexpr int kTasksEach = 10;
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            RecordingHost host;
            for (int i = 0; i < kTasksEach; ++i) {
                const Execution e = execute(resend_spec(*server_, by_name("example.org", 6)), host);
                succeeded += status_of(e) == "succeeded" ? 1 : 0;
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(succeeded.load(), kThreads * kTasksEach);
    int lookups = 0;
    int puts = 0;
    for (const sandbox::RecordedRequest& request : server_->requests()) {
        lookups += request.method == "GET" ? 1 : 0;
        puts += request.target == "/services/v2/domain/1234568/dcv/emails" ? 1 : 0;
    }
    EXPECT_GE(lookups, 1);
    EXPECT_LE(lookups, kThreads);
    EXPECT_EQ(puts, kThreads * kTasksEach);
}

}  // namespace
