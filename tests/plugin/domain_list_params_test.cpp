// digicert.domain.list's spec: its params checked before any request (each problem names the
// field and the fix), the dispatch by "task", and the key required even for a dry run (it
// only reads, so it always runs).
#include <gtest/gtest.h>

#include <string>

#include "dcv_resend_spec.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;

std::string list_spec(const std::string& params, bool dry_run = false) {
    return std::string(R"({"task":"digicert.domain.list","id":"l-1","dry_run":)") +
           (dry_run ? "true" : "false") + R"(,"params":)" + params +
           R"(,"connection":{"base_url":"https://www.digicert.com/services/v2","api_key":")" +
           dcv_test::kCanaryKey + R"("}})";
}

DomainListParams expect_valid(const std::string& params) {
    auto parsed = parse_task_spec(list_spec(params));
    if (const auto* error = std::get_if<SpecError>(&parsed)) {
        ADD_FAILURE() << error->msg;
        return {};
    }
    return std::get<DomainListSpec>(parsed).params;
}

SpecError expect_invalid(const std::string& spec, const std::string& field) {
    auto parsed = parse_task_spec(spec);
    if (!std::holds_alternative<SpecError>(parsed)) {
        ADD_FAILURE() << "accepted: " << spec;
        return {};
    }
    const SpecError error = std::get<SpecError>(parsed);
    EXPECT_EQ(error.field, field) << error.msg;
    EXPECT_EQ(error.msg.find(dcv_test::kCanaryKey), std::string::npos);
    return error;
}

TEST(DomainListParams, EveryFilterIsOptional) {
    const DomainListParams all = expect_valid("{}");
    EXPECT_FALSE(all.name || all.search || all.active || all.pending || all.expiring_within ||
                 all.due_within || all.validation_type);
    EXPECT_EQ(all.page_size, kMaxListPageSize);
    EXPECT_EQ(all.max_items, kDefaultMaxItems);
    EXPECT_EQ(describe_filters(all), "");
    auto no_params = parse_task_spec(
        R"({"task":"digicert.domain.list","connection":{"region":"us","api_key":"k"}})");
    EXPECT_TRUE(std::holds_alternative<DomainListSpec>(no_params));
}

TEST(DomainListParams, ReadsEachFilter) {
    const DomainListParams params = expect_valid(
        R"({"search":"shop","active":true,"pending":false,"expiring_within":"45d",
            "due_within":"30d","validation_type":"OV","page_size":200,"max_items":50})");
    EXPECT_EQ(params.search, "shop");
    EXPECT_EQ(params.active, true);
    EXPECT_EQ(params.pending, false);
    EXPECT_EQ(params.expiring_within, std::chrono::seconds(45 * 86400));
    EXPECT_EQ(params.due_within, std::chrono::seconds(30 * 86400));
    EXPECT_EQ(params.validation_type, "ov");
    EXPECT_EQ(params.page_size, 200u);
    EXPECT_EQ(params.max_items, 50u);
    EXPECT_EQ(describe_filters(params),
              "search=shop, active=true, pending=false, expiring_within=45d, due_within=30d, "
              "validation_type=ov");
    EXPECT_EQ(expect_valid(R"({"name":"Example.COM"})").name, "example.com");
}

TEST(DomainListParams, BadFiltersNameTheField) {
    expect_invalid(list_spec(R"({"name":"*.example.com"})"), "params.name");
    const SpecError both =
        expect_invalid(list_spec(R"({"name":"example.com","search":"ex"})"), "params.search");
    EXPECT_NE(both.msg.find("give one"), std::string::npos) << both.msg;
    expect_invalid(list_spec(R"({"search":"a%b"})"), "params.search");
    expect_invalid(list_spec(R"({"pending":"yes"})"), "params.pending");
    const SpecError window =
        expect_invalid(list_spec(R"({"due_within":"a month"})"), "params.due_within");
    EXPECT_NE(window.msg.find("\"30d\""), std::string::npos) << window.msg;
    expect_invalid(list_spec(R"({"expiring_within":"900d"})"), "params.expiring_within");
    expect_invalid(list_spec(R"({"validation_type":"o v"})"), "params.validation_type");
    expect_invalid(list_spec(R"({"page_size":1001})"), "params.page_size");
    expect_invalid(list_spec(R"({"max_items":0})"), "params.max_items");
    const SpecError unknown = expect_invalid(list_spec(R"({"domain_id":1})"), "params.domain_id");
    EXPECT_NE(unknown.msg.find("due_within"), std::string::npos) << unknown.msg;
}

TEST(DomainListParams, ADryRunStillNeedsTheKeyBecauseItReads) {
    const std::string spec =
        R"({"task":"digicert.domain.list","dry_run":true,"connection":{"region":"us"}})";
    const SpecError error = expect_invalid(spec, "connection.api_key");
    EXPECT_FALSE(error.msg.empty());
}

TEST(DomainListParams, TheTaskNameChoosesTheParser) {
    const SpecError error = expect_invalid(
        R"({"task":"digicert.nope","connection":{"region":"us","api_key":"k"}})", "task");
    EXPECT_NE(error.msg.find("digicert.dcv.resend or digicert.domain.list"), std::string::npos)
        << error.msg;
    auto as_resend = parse_dcv_resend_spec(list_spec("{}"));
    ASSERT_TRUE(std::holds_alternative<SpecError>(as_resend));
    EXPECT_EQ(std::get<SpecError>(as_resend).field, "task");
}

}  // namespace
