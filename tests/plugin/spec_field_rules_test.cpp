// Single-value shape rules used by the spec parser.
#include <gtest/gtest.h>

#include "spec_field_rules.h"

namespace {

using namespace digicert_dcv;

TEST(SpecFieldRules, BaseUrlAcceptsHostsPortsAndIpLiterals) {
    const auto v4 = parse_https_base_url("https://127.0.0.1:8443/services/v2");
    ASSERT_TRUE(std::holds_alternative<HttpsBaseUrl>(v4));
    EXPECT_EQ(std::get<HttpsBaseUrl>(v4).host, "127.0.0.1");
    const auto v6 = parse_https_base_url("https://[::1]:8443");
    ASSERT_TRUE(std::holds_alternative<HttpsBaseUrl>(v6));
    EXPECT_EQ(std::get<HttpsBaseUrl>(v6).host, "::1");
    EXPECT_EQ(std::get<HttpsBaseUrl>(v6).normalised(), "https://[::1]:8443");
    const auto plain = parse_https_base_url("https://certcentral.digicert.eu/services/v2//");
    ASSERT_TRUE(std::holds_alternative<HttpsBaseUrl>(plain));
    EXPECT_EQ(std::get<HttpsBaseUrl>(plain).normalised(),
              "https://certcentral.digicert.eu/services/v2");
}

TEST(SpecFieldRules, FqdnRejectsWhatDigicertCannotScope) {
    EXPECT_FALSE(fqdn_problem("sub.example.com").has_value());
    EXPECT_TRUE(fqdn_problem("*.example.com").has_value());
    EXPECT_TRUE(fqdn_problem("example").has_value());
    EXPECT_TRUE(fqdn_problem("1.2.3.4").has_value());
}

TEST(SpecFieldRules, EmailDomainMayUseUpperCase) {
    EXPECT_FALSE(email_problem("Admin@Example.COM").has_value());
    EXPECT_TRUE(email_problem("admin@@example.com").has_value());
}

}  // namespace
