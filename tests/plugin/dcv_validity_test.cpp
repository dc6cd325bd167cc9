// The judgement behind skip_if_validated, revalidate_within and the domain list's filters: per
// validation type, from validations[] and dcv_expiration, never from is_pending_validation.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dcv_validity.h"
#include "domain_state_samples.h"

namespace {

using namespace digicert_dcv;
using std::chrono::hours;

using dcv_test::kNow;
const std::chrono::seconds k30d = hours(24 * 30);

using dcv_test::expect_state;
using dcv_test::kValidated;

TEST(DcvValidity, ActiveAndInDateIsCompleteWithItsExpiry) {
    const DcvVerdict verdict = judge_dcv(expect_state(kValidated), kNow);
    EXPECT_TRUE(verdict.complete) << verdict.reason;
    EXPECT_EQ(verdict.valid_until, "2026-07-02T10:00:00+00:00");
    ASSERT_EQ(verdict.types.size(), 1u);
    EXPECT_EQ(verdict.types[0].type, "ov");
    EXPECT_FALSE(verdict.types[0].due);
}

TEST(DcvValidity, TheQuirkFlagDoesNotDecide) {
    // DigiCert's own example: is_pending_validation true on a domain whose OV is active.
    const DcvVerdict verdict = judge_dcv(expect_state(R"({"is_pending_validation":true,
        "validations":[{"type":"ov","status":"active","validated_until":"2026-09-01"}]})"),
                                         kNow);
    EXPECT_TRUE(verdict.complete) << verdict.reason;
    EXPECT_TRUE(verdict.pending_flag_disagrees);
}

TEST(DcvValidity, NoValidationAtAllIsDue) {
    const DcvVerdict verdict =
        judge_dcv(expect_state(R"({"id":1,"is_pending_validation":false})"), kNow);
    EXPECT_FALSE(verdict.complete);
    EXPECT_NE(verdict.reason.find("no validation"), std::string::npos) << verdict.reason;
}

TEST(DcvValidity, APendingOrExpiredTypeIsDueAndNamed) {
    for (const char* validation :
         {R"({"type":"ev","status":"pending"})", R"({"type":"ev","dcv_status":"pending"})",
          R"({"type":"ev","status":"active","dcv_status":"EXPIRED"})"}) {
        const DcvVerdict verdict = judge_dcv(
            expect_state(std::string(R"({"is_pending_validation":false,"validations":[)") +
                         R"({"type":"ov","status":"active"},)" + validation + "]}"),
            kNow);
        EXPECT_FALSE(verdict.complete) << validation;
        EXPECT_NE(verdict.reason.find("the EV validation is"), std::string::npos) << verdict.reason;
        ASSERT_EQ(verdict.types.size(), 2u);
        EXPECT_FALSE(verdict.types[0].due);
        EXPECT_TRUE(verdict.types[1].pending);
    }
}

TEST(DcvValidity, APastExpiryIsDue) {
    const DcvVerdict from_validations = judge_dcv(expect_state(R"({
        "validations":[{"type":"ov","status":"active","validated_until":"2025-06-30"}]})"),
                                                  kNow);
    EXPECT_FALSE(from_validations.complete);
    EXPECT_NE(from_validations.reason.find("expired at 2025-06-30"), std::string::npos)
        << from_validations.reason;
    const DcvVerdict from_dcv_expiration =
        judge_dcv(expect_state(R"({"dcv_expiration":{"ov":"2025-12-31"}})"), kNow);
    EXPECT_FALSE(from_dcv_expiration.complete);
    EXPECT_TRUE(from_dcv_expiration.types.at(0).pending);
    const DcvVerdict from_domain = judge_dcv(expect_state(R"({
        "dcv_expiration_datetime":"2025-12-31T23:59:59+00:00",
        "validations":[{"type":"ov","status":"active","validated_until":"2026-06-30"}]})"),
                                             kNow);
    EXPECT_FALSE(from_domain.complete) << "the domain's own expiry bounds each type";
}

TEST(DcvValidity, TheEarlierOfTheTwoExpiriesCounts) {
    const DcvVerdict verdict = judge_dcv(expect_state(R"({"dcv_expiration":{"ov":"2026-01-20"},
        "validations":[{"type":"ov","status":"active","validated_until":"2026-12-01T00:00:00Z"}]})"),
                                         kNow, k30d);
    EXPECT_FALSE(verdict.complete);
    EXPECT_EQ(verdict.types.at(0).valid_until, "2026-01-20");
    EXPECT_NE(verdict.reason.find("expires at 2026-01-20, within 30d"), std::string::npos)
        << verdict.reason;
}

TEST(DcvValidity, TheWindowDecidesRevalidation) {
    const std::string state = R"({"validations":[
        {"type":"ov","status":"active","validated_until":"2026-01-25T00:00:00+00:00"},
        {"type":"ev","status":"active","validated_until":"2026-09-01T00:00:00+00:00"}]})";
    EXPECT_TRUE(judge_dcv(expect_state(state), kNow).complete);
    EXPECT_TRUE(judge_dcv(expect_state(state), kNow, hours(24 * 20)).complete);
    const DcvVerdict within = judge_dcv(expect_state(state), kNow, k30d);
    EXPECT_FALSE(within.complete);
    EXPECT_TRUE(within.types[0].due);
    EXPECT_FALSE(within.types[0].pending);
    EXPECT_FALSE(within.types[1].due);
    EXPECT_EQ(within.valid_until, "2026-01-25T00:00:00+00:00");
}

TEST(DcvValidity, AnUnknownExpiryIsDueOnlyWithAWindow) {
    const std::string state = R"({"validations":[{"type":"ov","status":"active"}],
                                  "dcv_expiration":{"ov":"soon"}})";
    EXPECT_TRUE(judge_dcv(expect_state(state), kNow).complete);
    const DcvVerdict windowed = judge_dcv(expect_state(state), kNow, k30d);
    EXPECT_FALSE(windowed.complete);
    EXPECT_NE(windowed.reason.find("no expiry for the OV validation that can be read ('soon')"),
              std::string::npos)
        << windowed.reason;
}

TEST(DcvValidity, DurationsReadAndWriteBack) {
    const std::chrono::seconds max = hours(24 * 800);
    EXPECT_EQ(parse_duration("30d", max), k30d);
    EXPECT_EQ(parse_duration("12h", max), hours(12));
    EXPECT_EQ(parse_duration("90m", max), std::chrono::minutes(90));
    EXPECT_EQ(parse_duration("800d", max), max);
    for (const char* bad :
         {"", "d", "0d", "801d", "30", "30x", "-1d", "1.5d", "30 d", "99999999999999d"}) {
        EXPECT_FALSE(parse_duration(bad, max).has_value()) << bad;
    }
    EXPECT_EQ(format_duration(k30d), "30d");
    EXPECT_EQ(format_duration(std::chrono::minutes(90)), "90m");
    EXPECT_EQ(format_duration(std::chrono::seconds(61)), "61s");
}

}  // namespace
