// load_domain_fixture: the default fixture loads; every kind of bad fixture is refused with a
// message naming the file and the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>

#include "domain_fixture.h"
#include "generated_domains.h"
#include "sandbox_server.h"

namespace {

class DomainFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/sandbox-fixture-test-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    const std::string& write(const std::string& text) {
        path_ = dir_ + "/domains.json";
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
        return path_;
    }
    // The loader must refuse `text` with a message naming the file and `field`.
    void expect_refused(const std::string& text, const std::string& field) {
        const std::string& path = write(text);
        try {
            sandbox::load_domain_fixture(path);
            ADD_FAILURE() << "accepted: " << text.substr(0, 200);
        } catch (const std::runtime_error& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(path), std::string::npos) << message;
            EXPECT_NE(message.find(field), std::string::npos) << message;
        }
    }
    std::string dir_;
    std::string path_;
};

TEST_F(DomainFixture, DefaultFixtureLoads) {
    const auto domains = sandbox::load_domain_fixture(DIGICERT_SANDBOX_FIXTURE);
    ASSERT_EQ(domains.size(), 6u);
    EXPECT_EQ(domains[0].id, 1234567);
    EXPECT_EQ(domains[0].name, "example.com");
    EXPECT_FALSE(domains[0].validated);
    EXPECT_TRUE(domains[1].validated);
    EXPECT_EQ(domains[2].whois_emails,
              (std::vector<std::string>{"registrant@example.net", "tech@example.net"}));
    EXPECT_EQ(domains[2].dns_txt_emails, std::vector<std::string>{"dcv@example.net"});
    // The shorthand stays a shorthand: the server resolves it against its own start.
    EXPECT_FALSE(domains[1].validations.has_value());
    EXPECT_TRUE(domains[0].is_active);
    EXPECT_FALSE(domains[0].is_pending_validation.has_value());
    // DigiCert's documented quirk: pending validation, yet OV active.
    EXPECT_EQ(domains[5].id, 4567890);
    EXPECT_EQ(domains[5].name, "quirk.example.com");
    EXPECT_EQ(domains[5].is_pending_validation, std::optional<bool>(true));
    ASSERT_TRUE(domains[5].validations.has_value());
    ASSERT_EQ(domains[5].validations->size(), 1u);
    EXPECT_EQ(domains[5].validations->at(0).status, "active");
}

TEST_F(DomainFixture, RefusesMalformedFixturesNamingTheField) {
    expect_refused("{not json", "(file)");
    expect_refused("[]", "(top level)");
    expect_refused(R"({"domain":[]})", "domains");
    expect_refused(R"({"domains":[7]})", "domains[0]");
    expect_refused(R"({"domains":[{"name":"a.com"}]})", "domains[0].id");
    expect_refused(R"({"domains":[{"id":"12","name":"a.com"}]})", "domains[0].id");
    expect_refused(R"({"domains":[{"id":1.5,"name":"a.com"}]})", "domains[0].id");
    expect_refused(R"({"domains":[{"id":-3,"name":"a.com"}]})", "domains[0].id");
    expect_refused(R"({"domains":[{"id":1}]})", "domains[0].name");
    expect_refused(R"({"domains":[{"id":1,"name":"A B.com"}]})", "domains[0].name");
    expect_refused(R"({"domains":[{"id":1,"name":"a.com","validated":"yes"}]})",
                   "domains[0].validated");
    expect_refused(R"({"domains":[{"id":1,"name":"a.com","whois_emails":"x@a.com"}]})",
                   "domains[0].whois_emails");
    expect_refused(R"({"domains":[{"id":1,"name":"a.com","dns_txt_emails":["nobody"]}]})",
                   "domains[0].dns_txt_emails[0]");
    expect_refused(R"({"domains":[{"id":1,"name":"a.com","validatd":true}]})",
                   "domains[0].validatd");
    expect_refused(R"({"domains":[{"id":1,"name":"a.com"},{"id":1,"name":"b.com"}]})",
                   "domains[1].id");
}

TEST_F(DomainFixture, RefusesMissingFile) {
    path_ = dir_ + "/absent.json";
    try {
        sandbox::load_domain_fixture(path_);
        ADD_FAILURE() << "loaded a file that does not exist";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find(path_), std::string::npos);
    }
}

TEST_F(DomainFixture, EnforcesSizeAndCountLimits) {
    std::string many = R"({"domains":[)";
    for (int i = 1; i <= 10001; ++i) {
        many += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i) +
                R"(,"name":"a.io"})";
    }
    many += "]}";
    ASSERT_LT(many.size(), 1u << 20);  // under the size limit: the count limit must catch it
    expect_refused(many, "limit is 10000");

    expect_refused(R"({"domains":[],"pad":")" + std::string(1 << 20, 'x') + R"("})", "limit");

    std::string deep = std::string(64, '[') + std::string(64, ']');
    expect_refused(deep, "(file)");
}

TEST_F(DomainFixture, ReadsValidationsActivityAccountAndGenerate) {
    using std::chrono::hours;
    const auto start = std::chrono::system_clock::now();
    const auto fixture = sandbox::load_sandbox_fixture(write(R"({
      "account": {"dcv_email_preferences": {"constructed": true, "dns_txt": false}},
      "generate": {"count": 3, "first_id": 9000000, "suffix": "gen.example"},
      "domains": [
        {"id": 1, "name": "a.example", "is_active": false,
         "validations": {"ov": {"status": "active", "expires_in_days": 120},
                         "ev": {"status": "pending"}}},
        {"id": 2, "name": "b.example",
         "validations": {"ev": {"status": "active", "expires_in_days": -3},
                         "ov": {"status": "pending", "expires_in_days": -30}}}
      ]})"),
                                                       start);
    ASSERT_TRUE(fixture.dcv_email_preferences);
    EXPECT_TRUE(fixture.dcv_email_preferences->constructed);
    EXPECT_FALSE(fixture.dcv_email_preferences->dns_txt);
    ASSERT_EQ(fixture.domains.size(), 5u);

    const sandbox::SandboxDomain& a = fixture.domains[0];
    EXPECT_FALSE(a.is_active);
    ASSERT_TRUE(a.validations && a.validations->size() == 2);
    EXPECT_EQ(a.validations->at(0).type, "ov");
    EXPECT_EQ(a.validations->at(0).validated_until, start + hours(24 * 120));
    EXPECT_EQ(a.validations->at(1).type, "ev");
    EXPECT_EQ(a.validations->at(1).status, "pending");
    EXPECT_FALSE(a.validations->at(1).validated_until);

    const sandbox::SandboxDomain& b = fixture.domains[1];
    ASSERT_TRUE(b.validations && b.validations->size() == 2);
    EXPECT_EQ(b.validations->at(0).type, "ov");  // file order does not matter: ov, then ev
    EXPECT_EQ(b.validations->at(0).validated_until, start - hours(24 * 30));
    EXPECT_EQ(b.validations->at(1).validated_until, start - hours(24 * 3));

    EXPECT_EQ(fixture.domains[2].id, 9000000);
    EXPECT_EQ(fixture.domains[2].name, "d00000.gen.example");
    EXPECT_EQ(fixture.domains[4].name, "d00002.gen.example");
    // load_domain_fixture keeps the generated domains too.
    EXPECT_EQ(sandbox::load_domain_fixture(path_, start).size(), 5u);
}

TEST_F(DomainFixture, GenerateAloneNeedsNoDomainsList) {
    const auto fixture = sandbox::load_sandbox_fixture(write(R"({"generate": {"count": 2}})"),
                                                       std::chrono::system_clock::now());
    ASSERT_EQ(fixture.domains.size(), 2u);
    EXPECT_EQ(fixture.domains[1].id, 5000001);
    EXPECT_EQ(fixture.domains[1].name, "d00001.fleet.example");
    EXPECT_FALSE(fixture.dcv_email_preferences);
}

TEST_F(DomainFixture, RefusesBadValidationsAccountAndGenerateNamingTheField) {
    const std::string d = R"({"domains":[{"id":1,"name":"a.com",)";
    expect_refused(d + R"("validated":true,"validations":{}}]})", "domains[0].validations");
    expect_refused(d + R"("validations":{"ov":{"status":"active"}}}]})",
                   "domains[0].validations.ov.expires_in_days");
    expect_refused(d + R"("validations":{"ov":{"status":"expired","expires_in_days":1}}}]})",
                   "domains[0].validations.ov.status");
    expect_refused(d + R"("validations":{"dv":{"status":"pending"}}}]})",
                   "domains[0].validations.dv");
    expect_refused(d + R"("validations":{"ov":{"status":"pending","days":1}}}]})",
                   "domains[0].validations.ov.days");
    expect_refused(d + R"("validations":{"ov":{"status":"active","expires_in_days":1.5}}}]})",
                   "domains[0].validations.ov.expires_in_days");
    expect_refused(d + R"("validations":["ov"]}]})", "domains[0].validations");
    expect_refused(d + R"("is_active":"no"}]})", "domains[0].is_active");
    expect_refused(d + R"("is_pending_validation":1}]})", "domains[0].is_pending_validation");
    expect_refused(R"({"domains":[],"acount":{}})", "(top level).acount");
    expect_refused(R"({"domains":[],"account":{"dcv_email_preferences":{"whois":true}}})",
                   "account.dcv_email_preferences.whois");
    expect_refused(R"({"domains":[],"account":{"dcv_email_preferences":{"dns_txt":"no"}}})",
                   "account.dcv_email_preferences.dns_txt");
    expect_refused(R"({"generate":{"count":100001}})", "generate.count");
    expect_refused(R"({"generate":{}})", "generate.count");
    expect_refused(R"({"generate":{"count":1,"suffix":"Bad Suffix"}})", "generate.suffix");
    expect_refused(R"({"generate":{"count":3,"first_id":9},"domains":[{"id":10,"name":"a.com"}]})",
                   "generated id 10");
}

TEST(GeneratedDomains, FollowTheDocumentedMixOfStates) {
    using std::chrono::hours;
    const auto start = std::chrono::system_clock::now();
    sandbox::DomainGenerator generator;
    generator.count = 20;
    const auto domains = sandbox::generate_domains(generator, start);
    ASSERT_EQ(domains.size(), 20u);
    for (size_t i = 0; i < domains.size(); ++i) {
        const sandbox::SandboxDomain& domain = domains[i];
        ASSERT_TRUE(domain.validations.has_value()) << i;
        const auto& ov = domain.validations->at(0);
        EXPECT_EQ(ov.type, "ov") << i;
        EXPECT_EQ(domain.is_active, i % 10 != 4) << i;
        EXPECT_EQ(domain.validations->size(), i % 10 == 3 ? 2u : 1u) << i;
        EXPECT_FALSE(domain.is_pending_validation.has_value()) << i;  // derived, never forced
        const std::map<size_t, int> days = {{1, 10}, {2, 25}, {3, 300}, {4, 300}};
        if (i % 10 == 0) {
            EXPECT_EQ(ov.status, "pending") << i;
            EXPECT_FALSE(ov.validated_until) << i;
        } else {
            EXPECT_EQ(ov.status, "active") << i;
            const int expected = days.count(i % 10) ? days.at(i % 10) : 200;
            EXPECT_EQ(ov.validated_until, start + hours(24 * expected)) << i;
        }
    }
    EXPECT_EQ(domains[13].validations->at(1).status, "pending");
    EXPECT_EQ(domains[13].name, "d00013.fleet.example");
    EXPECT_EQ(domains[13].id, 5000013);
    generator.count = sandbox::kMaxGeneratedDomains + 1;
    EXPECT_THROW(sandbox::generate_domains(generator, start), std::invalid_argument);
}

}  // namespace
