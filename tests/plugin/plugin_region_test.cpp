// connection.region through the built plugin: the host passes an account's region as written,
// and the plugin alone knows which CertCentral URL it means. Exactly one of region and base_url;
// anything else is invalid_input naming the field, with the fix.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

// A dry run without a key: nothing is sent, the outcome shows the request it would make.
Execution dry_run(const std::string& connection_json) {
    RecordingHost host;
    return execute(R"({"task":"digicert.dcv.resend","id":"region","dry_run":true,)"
                   R"("params":{"domain_id":1234567},"connection":)" +
                       connection_json + "}",
                   host);
}

std::string error_field(const Execution& e) {
    return e.outcome->getObject("error")->getObject("details")->optValue<std::string>("field", "");
}

std::string error_msg(const Execution& e) {
    return e.outcome->getObject("error")->getValue<std::string>("msg");
}

TEST(Region, UsAndEuResolveToTheirCertCentralUrls) {
    const std::pair<const char*, const char*> regions[] = {
        {"us", "https://www.digicert.com/services/v2"},
        {"eu", "https://certcentral.digicert.eu/services/v2"},
    };
    for (const auto& [region, base_url] : regions) {
        const Execution e = dry_run(std::string(R"({"region":")") + region + "\"}");
        ASSERT_EQ(status_of(e), "planned") << e.raw;
        EXPECT_EQ(e.outcome->getObject("request")->getValue<std::string>("url"),
                  std::string(base_url) + "/domain/1234567/dcv/emails")
            << region;
    }
}

TEST(Region, GivingBothRegionAndBaseUrlIsRefused) {
    const Execution e =
        dry_run(R"({"region":"us","base_url":"https://www.digicert.com/services/v2"})");
    ASSERT_EQ(error_kind_of(e), "invalid_input") << e.raw;
    EXPECT_EQ(error_field(e), "connection.region");
    EXPECT_EQ(error_msg(e),
              "connection.region: and connection.base_url are both given; give exactly one: "
              "region \"us\" or \"eu\", or base_url for any other API base");
}

TEST(Region, GivingNeitherRegionNorBaseUrlIsRefused) {
    const Execution e = dry_run(R"({"timeout_ms":15000})");
    ASSERT_EQ(error_kind_of(e), "invalid_input") << e.raw;
    EXPECT_EQ(error_field(e), "connection.base_url");
    EXPECT_EQ(error_msg(e),
              "connection.base_url: is required unless connection.region is given; give exactly "
              "one: region \"us\" (https://www.digicert.com/services/v2) or \"eu\" "
              "(https://certcentral.digicert.eu/services/v2), or base_url (an https:// API base)");
}

TEST(Region, AnUnknownRegionIsRefusedNamingTheChoices) {
    const Execution e = dry_run(R"({"region":"xx"})");
    ASSERT_EQ(error_kind_of(e), "invalid_input") << e.raw;
    EXPECT_EQ(error_field(e), "connection.region");
    EXPECT_EQ(error_msg(e),
              "connection.region: \"xx\" is not a CertCentral region; use \"us\" or \"eu\", or "
              "give base_url instead");
    for (const char* bad : {R"("US")", R"("")", "42", R"(["us"])"}) {
        const Execution refused = dry_run(std::string(R"({"region":)") + bad + "}");
        EXPECT_EQ(error_kind_of(refused), "invalid_input") << bad << ": " << refused.raw;
        EXPECT_EQ(error_field(refused), "connection.region") << bad;
    }
}

TEST(Region, ADryRunWithAKeyPlansAgainstTheRegionUrl) {
    // With a key the plan also reads nothing here (no pre-flight asked), and the key never
    // shows up in the outcome.
    RecordingHost host;
    const Execution e = execute(
        std::string(R"({"task":"digicert.dcv.resend","dry_run":true,"params":{"domain_id":7},)") +
            R"("connection":{"region":"eu","api_key":")" + kCanaryKey + "\"}}",
        host);
    ASSERT_EQ(status_of(e), "planned") << e.raw;
    EXPECT_EQ(e.outcome->getObject("request")->getValue<std::string>("url"),
              "https://certcentral.digicert.eu/services/v2/domain/7/dcv/emails");
    EXPECT_EQ(e.raw.find(kCanaryKey), std::string::npos);
}

}  // namespace
