// load_domain_fixture: the default fixture loads; every kind of bad fixture is refused with a
// message naming the file and the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

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
    ASSERT_EQ(domains.size(), 5u);
    EXPECT_EQ(domains[0].id, 1234567);
    EXPECT_EQ(domains[0].name, "example.com");
    EXPECT_FALSE(domains[0].validated);
    EXPECT_TRUE(domains[1].validated);
    EXPECT_EQ(domains[2].whois_emails,
              (std::vector<std::string>{"registrant@example.net", "tech@example.net"}));
    EXPECT_EQ(domains[2].dns_txt_emails, std::vector<std::string>{"dcv@example.net"});
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

}  // namespace
