// The request a spec turns into: method, URL, headers and a body holding only the given fields.
#include <gtest/gtest.h>

#include "dcv_resend_request.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;

CertCentralRequest request_for(const std::string& json) {
    auto parsed = parse_dcv_resend_spec(json);
    EXPECT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    return build_dcv_resend_request(std::get<DcvResendSpec>(parsed), 1234567);
}

std::string minimal_spec(const std::string& params, const std::string& base_url) {
    return R"({"task":"digicert.dcv.resend","params":{"domain_id":1234567)" + params +
           R"(},"connection":{"base_url":")" + base_url + R"(","api_key":"CANARY-KEY-7f3a9c"}})";
}

TEST(RequestBuilding, IsAPutToTheDomainsDcvEmailsPath) {
    const CertCentralRequest request =
        request_for(minimal_spec("", "https://www.digicert.com/services/v2/"));
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(request.url, "https://www.digicert.com/services/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(request.target, "/services/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(request.host, "www.digicert.com");
    EXPECT_EQ(request.port, 443);
}

TEST(RequestBuilding, KeepsANonDefaultPortInTheUrl) {
    const CertCentralRequest request = request_for(minimal_spec("", "https://localhost:8443/v2"));
    EXPECT_EQ(request.url, "https://localhost:8443/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(request.port, 8443);
}

TEST(RequestBuilding, BodyIsAnEmptyObjectWhenNoFieldIsGiven) {
    EXPECT_EQ(request_for(minimal_spec("", "https://x.example/v2")).body, "{}");
}

TEST(RequestBuilding, BodyHoldsOnlyTheGivenFields) {
    EXPECT_EQ(request_for(minimal_spec(R"(,"locale":"de")", "https://x.example/v2")).body,
              R"({"locale":"de"})");
    EXPECT_EQ(request_for(minimal_spec(R"(,"email_array":[])", "https://x.example/v2")).body,
              R"({"email_array":[]})");
    EXPECT_EQ(
        request_for(to_text(valid_spec_object())).body,
        R"({"name_scope":"sub.example.com","locale":"en","email_array":["admin@example.com"]})");
}

TEST(RequestBuilding, HeadersCarryTheKeyOnlyWhenNotRedacted) {
    const CertCentralRequest request = request_for(to_text(valid_spec_object()));
    const HttpHeaders wire = request.headers(false);
    const HttpHeaders shown = request.headers(true);
    const HttpHeaders expected_common = {
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
        {"User-Agent", "taskhost-digicert-dcv/0.1.0"},
        {"Content-Length", std::to_string(request.body.size())},
    };
    HttpHeaders expected_wire = expected_common;
    expected_wire.emplace_back("X-DC-DEVKEY", kCanaryKey);
    HttpHeaders expected_shown = expected_common;
    expected_shown.emplace_back("X-DC-DEVKEY", "[redacted]");
    EXPECT_TRUE(wire == expected_wire);
    EXPECT_TRUE(shown == expected_shown);
}

TEST(RequestBuilding, AResendToAResolvedIdUsesThatId) {
    auto parsed = parse_dcv_resend_spec(R"({"task":"digicert.dcv.resend","params":{
        "domain":"example.com"},"connection":{"base_url":"https://x.example/v2",
        "api_key":"CANARY-KEY-7f3a9c"}})");
    ASSERT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    EXPECT_EQ(build_dcv_resend_request(std::get<DcvResendSpec>(parsed), 42).url,
              "https://x.example/v2/domain/42/dcv/emails");
}

TEST(RequestBuilding, AGetCarriesNoBodyHeaders) {
    auto parsed = parse_dcv_resend_spec(to_text(valid_spec_object()));
    const DcvResendSpec& spec = std::get<DcvResendSpec>(parsed);
    const CertCentralRequest get = build_certcentral_get(spec.connection, "/domain/7?a=b");
    EXPECT_EQ(get.method, "GET");
    EXPECT_EQ(get.url, "https://www.digicert.com/services/v2/domain/7?a=b");
    EXPECT_EQ(get.target, "/services/v2/domain/7?a=b");
    EXPECT_TRUE(get.body.empty());
    const HttpHeaders expected = {
        {"Accept", "application/json"},
        {"User-Agent", "taskhost-digicert-dcv/0.1.0"},
        {"X-DC-DEVKEY", "[redacted]"},
    };
    EXPECT_TRUE(get.headers(true) == expected);
}

// The route names the endpoint for the host's metrics: never an id, a name or a query value.
TEST(RequestBuilding, RoutesAreTemplatesWithoutIdsOrQueries) {
    const CertCentralRequest put = request_for(minimal_spec("", "https://h/services/v2/"));
    EXPECT_EQ(put.route, "PUT /domain/{id}/dcv/emails");
    auto parsed = parse_dcv_resend_spec(to_text(valid_spec_object()));
    const DcvResendSpec& spec = std::get<DcvResendSpec>(parsed);
    EXPECT_EQ(build_certcentral_get(spec.connection, "/domain/7?include_dcv=true").route,
              "GET /domain/{id}");
    EXPECT_EQ(route_template("GET", "/domain?filters%5Bsearch%5D=example.com"), "GET /domain");
    EXPECT_EQ(route_template("GET", "/domain/12/dcv/emails?x=1"), "GET /domain/{id}/dcv/emails");
    EXPECT_EQ(route_template("GET", "/domain/example.com/Admin@x/%2F"),
              "GET /domain/{id}/{id}/{id}");
    EXPECT_EQ(route_template("GET", "/order/certificate/"), "GET /order/certificate/");
}

TEST(RequestBuilding, PercentEncodesEverythingButUnreservedCharacters) {
    EXPECT_EQ(percent_encode("filters[search]"), "filters%5Bsearch%5D");
    EXPECT_EQ(percent_encode("Sub-1.example_~com"), "Sub-1.example_~com");
    EXPECT_EQ(percent_encode("a b&c=d/\xff"), "a%20b%26c%3Dd%2F%FF");
}

}  // namespace
