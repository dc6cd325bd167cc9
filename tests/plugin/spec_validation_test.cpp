// The task spec parser: what it accepts, its defaults, and for each bad field the error that
// names the field and never echoes the key.
#include <gtest/gtest.h>

#include "dcv_resend_spec.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;

DcvResendSpec expect_valid(const std::string& json) {
    auto result = parse_dcv_resend_spec(json);
    if (const auto* error = std::get_if<SpecError>(&result)) {
        ADD_FAILURE() << "unexpected spec error: " << error->msg;
        return {};
    }
    return std::get<DcvResendSpec>(result);
}

SpecError expect_invalid(const std::string& json, const std::string& field) {
    auto result = parse_dcv_resend_spec(json);
    if (!std::holds_alternative<SpecError>(result)) {
        ADD_FAILURE() << "spec was accepted, expected an error at " << field;
        return {};
    }
    SpecError error = std::get<SpecError>(result);
    EXPECT_EQ(error.field, field) << error.msg;
    if (field != "$") {
        EXPECT_EQ(error.msg.rfind(field + ": ", 0), 0u)
            << "msg must start with the field: " << error.msg;
    }
    EXPECT_EQ(error.msg.find(kCanaryKey), std::string::npos) << "the key leaked into the message";
    return error;
}

TEST(SpecValidation, AcceptsTheFullSpec) {
    const DcvResendSpec spec = expect_valid(to_text(valid_spec_object()));
    EXPECT_EQ(spec.id, "run-42");
    EXPECT_FALSE(spec.dry_run);
    EXPECT_EQ(spec.params.domain_id, 1234567);
    EXPECT_EQ(spec.params.name_scope, "sub.example.com");
    EXPECT_EQ(spec.params.locale, "en");
    ASSERT_TRUE(spec.params.email_array.has_value());
    EXPECT_EQ(*spec.params.email_array, std::vector<std::string>{"admin@example.com"});
    EXPECT_EQ(spec.connection.base_url.host, "www.digicert.com");
    EXPECT_EQ(spec.connection.base_url.port, 443);
    EXPECT_EQ(spec.connection.base_url.path, "/services/v2");
    EXPECT_EQ(spec.connection.api_key, kCanaryKey);
}

TEST(SpecValidation, AppliesDefaultsWhenOptionalFieldsAreAbsent) {
    const DcvResendSpec spec = expect_valid(
        R"({"task":"digicert.dcv.resend","params":{"domain_id":7},
            "connection":{"base_url":"https://localhost:8443/services/v2/","api_key":"k"}})");
    EXPECT_FALSE(spec.id.has_value());
    EXPECT_FALSE(spec.params.name_scope || spec.params.locale || spec.params.email_array);
    EXPECT_EQ(spec.connection.timeout.count(), 15000);
    EXPECT_EQ(spec.connection.retry.max_attempts, 5);
    EXPECT_EQ(spec.connection.retry.initial_delay.count(), 500);
    EXPECT_EQ(spec.connection.retry.max_delay.count(), 30000);
    EXPECT_EQ(spec.connection.retry.deadline.count(), 120000);
    EXPECT_EQ(spec.connection.retry.in_doubt_retries, 0) << "a send in doubt is not resent";
    EXPECT_EQ(spec.connection.base_url.path, "/services/v2") << "trailing slash dropped";
    EXPECT_EQ(spec.connection.base_url.port, 8443);
    EXPECT_FALSE(spec.connection.proxy.has_value());
}

TEST(SpecValidation, NullOptionalFieldsCountAsAbsent) {
    const DcvResendSpec spec = expect_valid(spec_with("params", "locale", "null"));
    EXPECT_FALSE(spec.params.locale.has_value());
}

TEST(SpecValidation, RejectsUnknownFieldsNamingThePathAndTheKnownFields) {
    const SpecError params =
        expect_invalid(spec_with("params", "domainid", "1"), "params.domainid");
    EXPECT_NE(params.msg.find("known fields: domain_id, name_scope, locale, email_array"),
              std::string::npos)
        << params.msg;
    expect_invalid(spec_with("", "account", R"("prod-us")"), "account");
    expect_invalid(spec_with("connection", "insecure", "true"), "connection.insecure");
    expect_invalid(spec_with("connection.retry", "jitter", "1"), "connection.retry.jitter");
}

TEST(SpecValidation, TaskMustBeThisPluginsTask) {
    expect_invalid(spec_without("", "task"), "task");
    const SpecError error =
        expect_invalid(spec_with("", "task", R"("digicert.order.resend")"), "task");
    EXPECT_NE(error.msg.find("digicert.dcv.resend"), std::string::npos);
}

TEST(SpecValidation, DomainIdMustBeAPositiveJsonInteger) {
    expect_invalid(spec_without("params", "domain_id"), "params.domain_id");
    expect_invalid(spec_with("params", "domain_id", "null"), "params.domain_id");
    const SpecError quoted =
        expect_invalid(spec_with("params", "domain_id", R"("1234567")"), "params.domain_id");
    EXPECT_NE(quoted.msg.find("without quotes"), std::string::npos) << quoted.msg;
    expect_invalid(spec_with("params", "domain_id", "1234567.5"), "params.domain_id");
    // Written as text: a Poco round trip would print 1.0 as 1.
    const std::string valid = to_text(valid_spec_object());
    const std::string id_text = "\"domain_id\":1234567";
    for (const char* number : {"1.0", "1e3", "1234567.0"}) {
        std::string text = valid;
        text.replace(text.find(id_text), id_text.size(), "\"domain_id\":" + std::string(number));
        const SpecError error = expect_invalid(text, "params.domain_id");
        EXPECT_NE(error.msg.find("fraction or exponent"), std::string::npos) << error.msg;
    }
    expect_invalid(spec_with("params", "domain_id", "true"), "params.domain_id");
    expect_invalid(spec_with("params", "domain_id", "0"), "params.domain_id");
    expect_invalid(spec_with("params", "domain_id", "-5"), "params.domain_id");
    expect_invalid(spec_with("params", "domain_id", "[1]"), "params.domain_id");
    expect_invalid(spec_with("params", "domain_id", "18446744073709551615"), "params.domain_id");
    EXPECT_EQ(
        expect_valid(spec_with("params", "domain_id", "9223372036854775807")).params.domain_id,
        INT64_MAX);
}

TEST(SpecValidation, NameScopeMustBeAnFqdn) {
    for (const char* good : {"example.com", "a.b", "xn--bcher-kva.example", "a-1.example.co.uk"}) {
        EXPECT_EQ(expect_valid(spec_with("params", "name_scope", "\"" + std::string(good) + "\""))
                      .params.name_scope,
                  good);
    }
    const std::string long_label = std::string(64, 'a') + ".com";
    std::string too_long;
    while (too_long.size() < 260) {
        too_long += "abcdefghi.";
    }
    too_long += "com";
    for (const std::string& bad :
         {std::string("*.example.com"), std::string("Example.com"), std::string("localhost"),
          long_label, std::string("-a.example.com"), std::string("a-.example.com"),
          std::string("a..example.com"), std::string("example.com."), std::string("10.0.0.1"),
          std::string("ex ample.com"), std::string("ex_ample.com"), too_long, std::string("")}) {
        expect_invalid(spec_with("params", "name_scope", "\"" + bad + "\""), "params.name_scope");
    }
    expect_invalid(spec_with("params", "name_scope", "42"), "params.name_scope");
    const SpecError wildcard = expect_invalid(
        spec_with("params", "name_scope", R"("*.example.com")"), "params.name_scope");
    EXPECT_NE(wildcard.msg.find("wildcard"), std::string::npos) << wildcard.msg;
    const SpecError idn = expect_invalid(spec_with("params", "name_scope", R"("bücher.example")"),
                                         "params.name_scope");
    EXPECT_NE(idn.msg.find("xn--"), std::string::npos) << idn.msg;
}

TEST(SpecValidation, LocaleMustBeShapedLikeALocaleCode) {
    for (const char* good : {"en", "de", "ja", "fil", "zh_CN", "pt-BR", "sr_Latn"}) {
        EXPECT_EQ(expect_valid(spec_with("params", "locale", "\"" + std::string(good) + "\""))
                      .params.locale,
                  good);
    }
    for (const char* bad : {"EN", "e", "english", "en_", "en-US-x", "en_Latin1", "e1", "en US"}) {
        expect_invalid(spec_with("params", "locale", "\"" + std::string(bad) + "\""),
                       "params.locale");
    }
}

TEST(SpecValidation, EmailArrayMustHoldBoundedValidAddresses) {
    EXPECT_TRUE(expect_valid(spec_with("params", "email_array", "[]")).params.email_array->empty());
    EXPECT_EQ(expect_valid(spec_with("params", "email_array",
                                     R"(["first.last+dcv@Sub.Example.com","o'brien@example.org"])"))
                  .params.email_array->size(),
              2u);
    expect_invalid(spec_with("params", "email_array", R"("admin@example.com")"),
                   "params.email_array");
    expect_invalid(spec_with("params", "email_array", R"(["admin@example.com", 7])"),
                   "params.email_array[1]");
    for (const char* bad :
         {"admin", "@example.com", "admin@", "admin@localhost", ".a@example.com",
          "a..b@example.com", "a b@example.com", "a\"b@example.com", "admin@exa_mple.com"}) {
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        array->add(std::string(bad));
        std::ostringstream text;
        array->stringify(text);
        expect_invalid(spec_with("params", "email_array", text.str()), "params.email_array[0]");
    }
    const std::string local(60, 'a');
    std::string long_domain;
    while (long_domain.size() < 200) {
        long_domain += "abcdefghi.";
    }
    expect_invalid(spec_with("params", "email_array", "[\"" + local + "@" + long_domain + "com\"]"),
                   "params.email_array[0]");
    std::string hundred_and_one = "[";
    for (int i = 0; i <= 100; ++i) {
        hundred_and_one += (i ? ",\"a" : "\"a") + std::to_string(i) + "@example.com\"";
    }
    hundred_and_one += "]";
    const SpecError too_many =
        expect_invalid(spec_with("params", "email_array", hundred_and_one), "params.email_array");
    EXPECT_NE(too_many.msg.find("limit is 100"), std::string::npos) << too_many.msg;
}

TEST(SpecValidation, BaseUrlMustBeHttpsAndSaysWhy) {
    expect_invalid(spec_without("connection", "base_url"), "connection.base_url");
    const SpecError http = expect_invalid(
        spec_with("connection", "base_url", R"("http://www.digicert.com/services/v2")"),
        "connection.base_url");
    EXPECT_NE(http.msg.find("in the clear"), std::string::npos) << http.msg;
    for (const char* bad :
         {"ftp://x.example/", "https://", "https://user:pw@x.example/v2",
          "https://x.example/v2?debug=1", "https://x.example:0/v2", "https://x.example:70000/v2",
          "https://x.example/v 2", "www.digicert.com"}) {
        expect_invalid(spec_with("connection", "base_url", "\"" + std::string(bad) + "\""),
                       "connection.base_url");
    }
    const SpecError creds =
        expect_invalid(spec_with("connection", "base_url", R"("https://me:secret@x.example/v2")"),
                       "connection.base_url");
    EXPECT_NE(creds.msg.find("credentials"), std::string::npos) << creds.msg;
}

TEST(SpecValidation, RegionResolvesToItsCertCentralBaseUrl) {
    Poco::JSON::Object::Ptr root = valid_spec_object();
    object_at(root, "connection")->remove("base_url");
    object_at(root, "connection")->set("region", "eu");
    const DcvResendSpec eu = expect_valid(to_text(root));
    EXPECT_EQ(eu.connection.region, "eu");
    EXPECT_EQ(eu.connection.base_url.normalised(), "https://certcentral.digicert.eu/services/v2");
    object_at(root, "connection")->set("region", "us");
    const DcvResendSpec us = expect_valid(to_text(root));
    EXPECT_EQ(us.connection.base_url.host, "www.digicert.com");
    EXPECT_EQ(us.connection.base_url.port, 443);
    EXPECT_EQ(us.connection.base_url.path, "/services/v2");
    EXPECT_FALSE(expect_valid(to_text(valid_spec_object())).connection.region.has_value());
}

TEST(SpecValidation, ExactlyOneOfRegionAndBaseUrl) {
    const SpecError both =
        expect_invalid(spec_with("connection", "region", R"("us")"), "connection.region");
    EXPECT_NE(both.msg.find("connection.base_url"), std::string::npos) << both.msg;
    EXPECT_NE(both.msg.find("exactly one"), std::string::npos) << both.msg;
    const SpecError neither =
        expect_invalid(spec_without("connection", "base_url"), "connection.base_url");
    EXPECT_NE(neither.msg.find("connection.region"), std::string::npos) << neither.msg;
    EXPECT_NE(neither.msg.find("https://certcentral.digicert.eu/services/v2"), std::string::npos)
        << neither.msg;
    // null counts as absent: a base_url with a null region is fine.
    EXPECT_EQ(expect_valid(spec_with("connection", "region", "null")).connection.base_url.host,
              "www.digicert.com");
}

TEST(SpecValidation, UnknownRegionIsRefusedWithTheFix) {
    Poco::JSON::Object::Ptr root = valid_spec_object();
    object_at(root, "connection")->remove("base_url");
    for (const char* bad : {"xx", "US", "us-east", "eu "}) {
        object_at(root, "connection")->set("region", std::string(bad));
        const SpecError error = expect_invalid(to_text(root), "connection.region");
        EXPECT_NE(error.msg.find("is not a CertCentral region; use \"us\" or \"eu\", or give "
                                 "base_url instead"),
                  std::string::npos)
            << error.msg;
    }
    object_at(root, "connection")->set("region", 1);
    expect_invalid(to_text(root), "connection.region");
    object_at(root, "connection")->set("region", std::string(17, 'u'));
    expect_invalid(to_text(root), "connection.region");
}

TEST(SpecValidation, ApiKeyIsRequiredUnlessDryRunAndNeverEchoed) {
    const SpecError missing =
        expect_invalid(spec_without("connection", "api_key"), "connection.api_key");
    EXPECT_NE(missing.msg.find("dry_run"), std::string::npos) << missing.msg;

    Poco::JSON::Object::Ptr dry = valid_spec_object();
    dry->set("dry_run", true);
    dry->getObject("connection")->remove("api_key");
    EXPECT_TRUE(expect_valid(to_text(dry)).connection.api_key.empty());

    const std::string canary = kCanaryKey;
    for (const std::string& bad : {canary + "\\n", canary + " " + canary, canary + "\\u0007",
                                   std::string(257, 'K') + canary, canary + "\\u00e9"}) {
        expect_invalid(spec_with("connection", "api_key", "\"" + bad + "\""), "connection.api_key");
    }
    expect_invalid(spec_with("connection", "api_key", "12345"), "connection.api_key");
    expect_invalid(spec_with("connection", "api_key", "\"\""), "connection.api_key");
}

TEST(SpecValidation, ErrorsElsewhereNeverEchoTheKey) {
    // Malformed JSON right at the key: the parser's message must not carry it out.
    for (const std::string& text :
         {std::string(R"({"connection":{"api_key":"CANARY-KEY-7f3a9c)"),
          std::string(R"({"connection":{"api_key":CANARY-KEY-7f3a9c}})"),
          std::string(R"({"connection":{"api_key":"CANARY-KEY-7f3a9c\q"}})")}) {
        const auto result = parse_dcv_resend_spec(text);
        ASSERT_TRUE(std::holds_alternative<SpecError>(result));
        EXPECT_EQ(std::get<SpecError>(result).msg.find(kCanaryKey), std::string::npos);
        EXPECT_EQ(std::get<SpecError>(result).field, "$");
    }
}

TEST(SpecValidation, TimeoutAndRetryMustBeWithinSaneBounds) {
    expect_invalid(spec_with("connection", "timeout_ms", "99"), "connection.timeout_ms");
    expect_invalid(spec_with("connection", "timeout_ms", "300001"), "connection.timeout_ms");
    expect_invalid(spec_with("connection", "timeout_ms", R"("15000")"), "connection.timeout_ms");
    expect_invalid(spec_with("connection", "retry", "5"), "connection.retry");
    expect_invalid(spec_with("connection.retry", "max_attempts", "0"),
                   "connection.retry.max_attempts");
    expect_invalid(spec_with("connection.retry", "max_attempts", "11"),
                   "connection.retry.max_attempts");
    expect_invalid(spec_with("connection.retry", "initial_delay_ms", "-1"),
                   "connection.retry.initial_delay_ms");
    expect_invalid(spec_with("connection.retry", "deadline_ms", "99"),
                   "connection.retry.deadline_ms");
    expect_invalid(spec_with("connection.retry", "max_delay_ms", "100"),
                   "connection.retry.max_delay_ms");  // below initial_delay_ms=500
    EXPECT_EQ(expect_valid(spec_with("connection.retry", "max_attempts", "10"))
                  .connection.retry.max_attempts,
              10);
}

TEST(SpecValidation, ProxyMustBeHttpHostPort) {
    const DcvResendSpec spec =
        expect_valid(spec_with("connection", "proxy", R"("http://proxy.corp:3128")"));
    ASSERT_TRUE(spec.connection.proxy.has_value());
    EXPECT_EQ(spec.connection.proxy->host, "proxy.corp");
    EXPECT_EQ(spec.connection.proxy->port, 3128);
    for (const char* bad : {"proxy.corp:3128", "http://proxy.corp", "https://proxy.corp:3128",
                            "http://u:p@proxy.corp:3128", "http://proxy.corp:3128/path"}) {
        expect_invalid(spec_with("connection", "proxy", "\"" + std::string(bad) + "\""),
                       "connection.proxy");
    }
}

TEST(SpecValidation, CaFileMustBeAReadableRegularFile) {
    expect_invalid(spec_with("connection", "ca_file", R"("/nonexistent/ca.pem")"),
                   "connection.ca_file");
    expect_invalid(spec_with("connection", "ca_file", R"("/")"), "connection.ca_file");
}

TEST(SpecValidation, OtherTopLevelFieldsAreTyped) {
    expect_invalid(spec_with("", "dry_run", R"("yes")"), "dry_run");
    expect_invalid(spec_with("", "id", "42"), "id");
    expect_invalid(spec_with("", "id", "\"" + std::string(129, 'i') + "\""), "id");
    expect_invalid(spec_with("", "params", "[]"), "params");
    expect_invalid(spec_without("", "params"), "params");
    expect_invalid(spec_without("", "connection"), "connection");
}

TEST(SpecValidation, EnforcesSizeDepthAndShapeLimits) {
    const std::string huge = spec_with("", "id", "\"" + std::string(70 * 1024, 'x') + "\"");
    const SpecError size = expect_invalid(huge, "$");
    EXPECT_NE(size.msg.find("65536"), std::string::npos) << size.msg;

    std::string deep = "{\"task\":\"digicert.dcv.resend\",\"params\":";
    for (int i = 0; i < 20; ++i) {
        deep += "{\"a\":";
    }
    deep += "1" + std::string(21, '}');
    const SpecError depth = expect_invalid(deep, "$");
    EXPECT_NE(depth.msg.find("deeper than 16"), std::string::npos) << depth.msg;

    expect_invalid("not json", "$");
    expect_invalid("[1,2]", "$");
    expect_invalid("", "$");
}

TEST(SpecValidation, MessagesSanitiseNonPrintableBytes) {
    const SpecError error =
        expect_invalid(spec_with("params", "locale", R"("e\u0001\u001b[31m")"), "params.locale");
    for (const char c : error.msg) {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "control byte in: " << error.msg;
    }
}

TEST(SpecValidation, AnInvalidSpecStillNamesItsTaskAndId) {
    const SpecError error =
        expect_invalid(spec_with("params", "domain_id", "0"), "params.domain_id");
    EXPECT_EQ(error.task, "digicert.dcv.resend");
    EXPECT_EQ(error.id, "run-42");
}

}  // namespace
