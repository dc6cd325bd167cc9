// The params issue 4 added: a domain named instead of numbered (exactly one of the two), the
// pre-flight switches and their defaults, and email_array as a set. Each bad value names its
// field and says how to fix it.
#include <gtest/gtest.h>

#include "dcv_resend_spec.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;

std::variant<DcvResendSpec, SpecError> parse_params(const std::string& params_json) {
    return parse_dcv_resend_spec(R"({"task":"digicert.dcv.resend","params":)" + params_json +
                                 R"(,"connection":{"base_url":"https://x.example/v2",)"
                                 R"("api_key":"CANARY-KEY-7f3a9c"}})");
}

DcvResendParams expect_valid_params(const std::string& params_json) {
    auto result = parse_params(params_json);
    if (const auto* error = std::get_if<SpecError>(&result)) {
        ADD_FAILURE() << "unexpected spec error: " << error->msg;
        return {};
    }
    return std::get<DcvResendSpec>(result).params;
}

SpecError expect_invalid_params(const std::string& params_json, const std::string& field) {
    auto result = parse_params(params_json);
    if (!std::holds_alternative<SpecError>(result)) {
        ADD_FAILURE() << "params were accepted, expected an error at " << field;
        return {};
    }
    SpecError error = std::get<SpecError>(result);
    EXPECT_EQ(error.field, field) << error.msg;
    EXPECT_EQ(error.msg.rfind(field + ": ", 0), 0u) << error.msg;
    EXPECT_EQ(error.msg.find(kCanaryKey), std::string::npos);
    return error;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(ParamsValidation, ADomainNameReplacesTheIdAndIsLowerCased) {
    const DcvResendParams params = expect_valid_params(R"({"domain":"Shop.Example.COM"})");
    EXPECT_FALSE(params.domain_id.has_value());
    EXPECT_EQ(params.domain, "shop.example.com");
}

TEST(ParamsValidation, BothDomainAndDomainIdAreRefusedNamingBoth) {
    const SpecError error =
        expect_invalid_params(R"({"domain_id":1234567,"domain":"example.com"})", "params.domain");
    EXPECT_TRUE(contains(error.msg, "params.domain_id")) << error.msg;
    EXPECT_TRUE(contains(error.msg, "exactly one")) << error.msg;
}

TEST(ParamsValidation, NeitherDomainNorDomainIdIsRefusedNamingBoth) {
    const SpecError error = expect_invalid_params(R"({"locale":"en"})", "params.domain_id");
    EXPECT_TRUE(contains(error.msg, "params.domain,")) << error.msg;
    // null is absent, for agents that pass unset options as null
    expect_invalid_params(R"({"domain":null,"domain_id":null})", "params.domain_id");
}

TEST(ParamsValidation, DomainMustBeAConcreteFullyQualifiedName) {
    for (const char* bad : {R"("*.example.com")", R"("localhost")", R"("exa mple.com")",
                            R"("example.com.")", R"("10.0.0.1")", "42", R"("")", "[]"}) {
        expect_invalid_params(std::string(R"({"domain":)") + bad + "}", "params.domain");
    }
}

TEST(ParamsValidation, PreflightSwitchesDefaultOffExceptTheRecipientCheckWithAddresses) {
    const DcvResendParams bare = expect_valid_params(R"({"domain_id":7})");
    EXPECT_FALSE(bare.skip_if_validated);
    EXPECT_FALSE(bare.check_recipients);
    EXPECT_FALSE(bare.strict_recipients);

    const DcvResendParams with_addresses =
        expect_valid_params(R"({"domain_id":7,"email_array":["admin@example.com"]})");
    EXPECT_TRUE(with_addresses.check_recipients);
    EXPECT_TRUE(expect_valid_params(R"({"domain_id":7,"email_array":[]})").check_recipients);

    EXPECT_FALSE(expect_valid_params(
                     R"({"domain_id":7,"email_array":["a@example.com"],"check_recipients":false})")
                     .check_recipients);
    EXPECT_TRUE(expect_valid_params(R"({"domain_id":7,"check_recipients":true})").check_recipients);
    EXPECT_TRUE(
        expect_valid_params(R"({"domain_id":7,"skip_if_validated":true})").skip_if_validated);
    const DcvResendParams strict =
        expect_valid_params(R"({"domain_id":7,"strict_recipients":true})");
    EXPECT_TRUE(strict.strict_recipients);
    EXPECT_TRUE(strict.check_recipients) << "strict needs the check, so it turns it on";
}

TEST(ParamsValidation, StrictRecipientsWithTheCheckTurnedOffIsRefused) {
    const SpecError error = expect_invalid_params(
        R"({"domain_id":7,"check_recipients":false,"strict_recipients":true})",
        "params.strict_recipients");
    EXPECT_TRUE(contains(error.msg, "check_recipients")) << error.msg;
}

TEST(ParamsValidation, SwitchesMustBeBooleans) {
    for (const char* name : {"skip_if_validated", "check_recipients", "strict_recipients"}) {
        for (const char* bad : {R"("true")", "1", "{}"}) {
            expect_invalid_params(std::string(R"({"domain_id":7,")") + name + "\":" + bad + "}",
                                  std::string("params.") + name);
        }
    }
}

TEST(ParamsValidation, RevalidateWithinIsAWindowThatTurnsTheStateCheckOn) {
    const DcvResendParams params =
        expect_valid_params(R"({"domain_id":7,"revalidate_within":"30d"})");
    EXPECT_EQ(params.revalidate_within, std::chrono::seconds(30 * 86400));
    EXPECT_TRUE(params.skip_if_validated);
    EXPECT_FALSE(expect_valid_params(R"({"domain_id":7})").revalidate_within.has_value());
    for (const char* bad : {R"("30")", R"("30 days")", R"("801d")", R"("0d")"}) {
        const SpecError error =
            expect_invalid_params(std::string(R"({"domain_id":7,"revalidate_within":)") + bad + "}",
                                  "params.revalidate_within");
        EXPECT_TRUE(contains(error.msg, "e.g. \"30d\", at most 800d")) << error.msg;
    }
    const SpecError contradiction = expect_invalid_params(
        R"({"domain_id":7,"revalidate_within":"30d","skip_if_validated":false})",
        "params.skip_if_validated");
    EXPECT_TRUE(contains(contradiction.msg, "implies it")) << contradiction.msg;
}

TEST(ParamsValidation, EmailArrayRefusesARepeatInAnyLetterCase) {
    const SpecError error = expect_invalid_params(
        R"({"domain_id":7,"email_array":["admin@example.com","b@example.com","ADMIN@Example.com"]})",
        "params.email_array[2]");
    EXPECT_TRUE(contains(error.msg, "repeats params.email_array[0]")) << error.msg;
}

TEST(ParamsValidation, AnUnknownParamListsEveryKnownOne) {
    const SpecError error =
        expect_invalid_params(R"({"domain_id":7,"skip_if_valid":true})", "params.skip_if_valid");
    EXPECT_TRUE(contains(
        error.msg,
        "domain, skip_if_validated, revalidate_within, check_recipients, strict_recipients"))
        << error.msg;
}

}  // namespace
