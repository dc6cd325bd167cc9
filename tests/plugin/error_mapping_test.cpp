// DigiCert answers and transport failures mapped to error kinds, messages and retryability.
#include <gtest/gtest.h>

#include "error_mapping.h"

namespace {

using namespace digicert_dcv;

HttpResponse response(int status, std::string body, std::string content_type = "application/json") {
    HttpResponse out;
    out.status = status;
    out.body = std::move(body);
    out.content_type = std::move(content_type);
    return out;
}

std::string errors_body(const std::string& code, const std::string& message) {
    return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(ErrorMapping, MapsEachStatusFamilyToItsKind) {
    struct Case {
        int status;
        ErrorKind kind;
        bool retryable;
    };
    for (const Case& c :
         {Case{400, ErrorKind::kInvalidInput, false}, Case{401, ErrorKind::kAuth, false},
          Case{403, ErrorKind::kPermission, false}, Case{404, ErrorKind::kNotFound, false},
          Case{409, ErrorKind::kInvalidInput, false}, Case{422, ErrorKind::kInvalidInput, false},
          Case{429, ErrorKind::kRateLimited, true}, Case{500, ErrorKind::kServer, true},
          Case{502, ErrorKind::kServer, true}, Case{503, ErrorKind::kServer, true}}) {
        const TaskError error = map_http_error(response(c.status, errors_body("x", "y")), 42);
        EXPECT_EQ(error.kind, c.kind) << c.status;
        EXPECT_EQ(error.retryable, c.retryable) << c.status;
        EXPECT_EQ(error.http_status, c.status);
        EXPECT_TRUE(contains(error.msg, "domain 42")) << error.msg;
    }
}

TEST(ErrorMapping, MessagesSayWhatToDo) {
    EXPECT_TRUE(contains(map_http_error(response(401, ""), 1).msg, "key source"));
    EXPECT_TRUE(contains(map_http_error(response(403, ""), 1).msg, "permission"));
    const std::string not_found = map_http_error(response(404, ""), 1).msg;
    EXPECT_TRUE(contains(not_found, "may not exist")) << not_found;
    EXPECT_TRUE(contains(not_found, "may not see it")) << not_found;
    EXPECT_TRUE(contains(not_found, "order")) << not_found;
}

TEST(ErrorMapping, KeepsEveryApiErrorWithTheWholeCode) {
    const TaskError error = map_http_error(
        response(403, R"({"errors":[{"code":"access_denied|missing_permission","message":"no"},
                                    {"code":"other","message":"second"}]})"),
        1);
    ASSERT_EQ(error.api_errors.size(), 2u);
    EXPECT_EQ(error.api_errors[0].code, "access_denied|missing_permission");
    EXPECT_EQ(error.api_errors[1].message, "second");
    EXPECT_TRUE(error.body_excerpt.empty());
    EXPECT_TRUE(contains(error.msg, "access_denied|missing_permission"));
}

TEST(ErrorMapping, RefinesAGeneric4xxByTheCodeFamily) {
    EXPECT_EQ(
        map_http_error(response(400, errors_body("access_denied|missing_permission", "")), 1).kind,
        ErrorKind::kPermission);
    EXPECT_EQ(map_http_error(response(400, errors_body("not_found|domain", "")), 1).kind,
              ErrorKind::kNotFound);
    EXPECT_EQ(map_http_error(response(400, errors_body("invalid_api_key", "")), 1).kind,
              ErrorKind::kAuth);
    EXPECT_EQ(map_http_error(response(400, errors_body("bad_request_format", "")), 1).kind,
              ErrorKind::kInvalidInput);
    EXPECT_FALSE(
        map_http_error(response(400, errors_body("request_limit_exceeded", "")), 1).retryable)
        << "only the status decides retries";
}

TEST(ErrorMapping, HandlesAnHtmlBodyFromAProxy) {
    const TaskError error = map_http_error(
        response(
            502,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\tnginx</body></html>",
            "text/html"),
        9);
    EXPECT_EQ(error.kind, ErrorKind::kServer);
    EXPECT_TRUE(error.api_errors.empty());
    EXPECT_TRUE(contains(error.msg, "not DigiCert JSON")) << error.msg;
    EXPECT_TRUE(contains(error.msg, "HTML")) << error.msg;
    EXPECT_EQ(error.body_excerpt,
              "<html> <head><title>502 Bad Gateway</title></head> <body> nginx</body></html>");
}

TEST(ErrorMapping, AnUnknownRouteIsABaseUrlConfigurationError) {
    const TaskError error =
        map_http_error(response(404, errors_body("not_found|route", "No such route")), 5);
    EXPECT_EQ(error.kind, ErrorKind::kInvalidInput);
    EXPECT_FALSE(error.retryable);
    EXPECT_EQ(error.field, "connection.base_url");
    EXPECT_TRUE(contains(error.msg, "/services/v2")) << error.msg;
    EXPECT_FALSE(contains(error.msg, "not found (")) << "not a missing domain: " << error.msg;
    ASSERT_EQ(error.api_errors.size(), 1u);
    EXPECT_EQ(error.api_errors[0].code, "not_found|route");
}

TEST(ErrorMapping, AnErrorsObjectInsteadOfAnArrayKeepsItsCode) {
    const TaskError one = map_http_error(
        response(403, R"({"errors":{"code":"access_denied|missing_permission","message":"no"}})"),
        5);
    ASSERT_EQ(one.api_errors.size(), 1u);
    EXPECT_EQ(one.api_errors[0].code, "access_denied|missing_permission");
    EXPECT_EQ(one.kind, ErrorKind::kPermission);
    const TaskError named = map_http_error(
        response(400, R"({"errors":{"invalid_dns_txt":"the TXT record is wrong"}})"), 5);
    ASSERT_EQ(named.api_errors.size(), 1u);
    EXPECT_EQ(named.api_errors[0].code, "invalid_dns_txt");
    EXPECT_EQ(named.api_errors[0].message, "the TXT record is wrong");
}

TEST(ErrorMapping, HandlesEmptyPlainAndOtherJsonBodies) {
    EXPECT_TRUE(contains(map_http_error(response(500, ""), 1).msg, "empty, not DigiCert JSON"));
    const TaskError plain = map_http_error(response(503, "upstream down", "text/plain"), 1);
    EXPECT_TRUE(contains(plain.msg, "not DigiCert JSON"));
    EXPECT_EQ(plain.body_excerpt, "upstream down");
    const TaskError other_json = map_http_error(response(400, R"({"error":"nope"})"), 1);
    EXPECT_TRUE(contains(other_json.msg, "not DigiCert JSON"));
    EXPECT_EQ(other_json.body_excerpt, R"({"error":"nope"})");
}

TEST(ErrorMapping, BodyExcerptIsBoundedAndPrintable) {
    const std::string body = "\x01\x02" + std::string(500, 'z') + "\xff";
    const TaskError error = map_http_error(response(500, body, "text/plain"), 1);
    EXPECT_EQ(error.body_excerpt.substr(0, 3), "??z");
    EXPECT_EQ(error.body_excerpt.size(), 200u + 3u) << "200 characters and '...'";
}

TEST(ErrorMapping, ParserHasLimits) {
    std::string deep = R"({"errors":[{"code":"x","message":)";
    for (int i = 0; i < 10; ++i) {
        deep += "[";
    }
    deep += std::string(10, ']') + "}]}";
    EXPECT_FALSE(parse_digicert_errors(deep).has_value()) << "deeper than 8";

    std::string many = R"({"errors":[)";
    for (int i = 0; i < 80; ++i) {
        many += (i ? "," : "") + std::string(R"({"code":"c)") + std::to_string(i) +
                R"(","message":"m"})";
    }
    many += "]}";
    const auto kept = parse_digicert_errors(many);
    ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(kept->size(), 50u);
    EXPECT_EQ(kept->back().code, "c49");

    EXPECT_FALSE(parse_digicert_errors(std::string(kMaxResponseBody + 1, ' ')).has_value());
    HttpResponse truncated = response(500, errors_body("server_error", "x"));
    truncated.body_truncated = true;
    EXPECT_TRUE(map_http_error(truncated, 1).api_errors.empty());
    EXPECT_TRUE(contains(map_http_error(truncated, 1).msg, "larger than 64 KiB"));
}

TEST(ErrorMapping, SanitisesApiErrorText) {
    const auto errors =
        parse_digicert_errors(R"({"errors":[{"code":"a\u0000b","message":"x\ny"}]})");
    ASSERT_TRUE(errors.has_value());
    EXPECT_EQ(errors->front().code, "a?b");
    EXPECT_EQ(errors->front().message, "x?y");
}

TEST(ErrorMapping, CodeFamilyIsThePartBeforeThePipe) {
    EXPECT_EQ(code_family("access_denied|missing_permission"), "access_denied");
    EXPECT_EQ(code_family("not_found"), "not_found");
}

TEST(ErrorMapping, ARedirectPointsAtTheBaseUrl) {
    HttpResponse moved = response(301, "");
    moved.location = "https://www.digicert.com/services/v2/";
    const TaskError error = map_http_error(moved, 1);
    EXPECT_EQ(error.kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(error.field, "connection.base_url");
    EXPECT_FALSE(error.retryable);
}

TEST(ErrorMapping, TransportFailuresKeepTheirKindAndRetryability) {
    EXPECT_EQ(map_transport_failure({TransportFailureKind::kTls, "bad cert", false}).kind,
              ErrorKind::kTls);
    EXPECT_FALSE(map_transport_failure({TransportFailureKind::kTls, "bad cert", false}).retryable);
    EXPECT_EQ(map_transport_failure({TransportFailureKind::kReset, "reset", false}).kind,
              ErrorKind::kNetwork);
    EXPECT_TRUE(map_transport_failure({TransportFailureKind::kReset, "reset", false}).retryable);
    EXPECT_EQ(map_transport_failure({TransportFailureKind::kTimeout, "slow", false}).kind,
              ErrorKind::kTimeout);
    EXPECT_TRUE(map_transport_failure({TransportFailureKind::kTimeout, "slow", false}).retryable);
    EXPECT_FALSE(map_transport_failure({TransportFailureKind::kTimeout, "slow", true}).retryable)
        << "a timeout after the response started is not retried";
    EXPECT_FALSE(map_transport_failure({TransportFailureKind::kRefused, "no", false}).retryable);
    EXPECT_FALSE(map_transport_failure({TransportFailureKind::kDns, "no", false}).retryable);
}

}  // namespace
