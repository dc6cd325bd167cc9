// The domain info answer and the judgement that decides skip_if_validated: complete only when
// DigiCert clearly says so; anything pending, expired or unknown is a resend.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "domain_dcv_state.h"

namespace {

using namespace digicert_dcv;
using std::chrono::hours;

const auto kNow =
    std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01

DomainDcvState expect_state(const std::string& body) {
    auto parsed = parse_domain_dcv_state(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << "unexpected problem: " << *problem;
        return {};
    }
    return std::get<DomainDcvState>(parsed);
}

constexpr const char* kValidated = R"({"id":1234568,"name":"example.org","is_active":true,
    "is_pending_validation":false,"dcv_method":"email",
    "dcv_approval_datetime":"2025-06-01T10:00:00+00:00",
    "dcv_expiration_datetime":"2026-07-02T10:00:00+00:00",
    "validations":[{"type":"ov","name":"OV","status":"active","dcv_status":"complete",
                    "validated_until":"2026-07-02T10:00:00+00:00"}]})";

TEST(DomainDcvState, ParsesWhatCertCentralSends) {
    const DomainDcvState state = expect_state(kValidated);
    EXPECT_EQ(state.id, 1234568);
    EXPECT_EQ(state.name, "example.org");
    EXPECT_EQ(state.is_pending_validation, false);
    EXPECT_EQ(state.dcv_method, "email");
    ASSERT_EQ(state.validations.size(), 1u);
    EXPECT_EQ(state.validations[0].dcv_status, "complete");
}

TEST(DomainDcvState, ValidatedAndUnexpiredIsCompleteWithItsExpiry) {
    const DcvVerdict verdict = judge_dcv(expect_state(kValidated), kNow);
    EXPECT_TRUE(verdict.complete) << verdict.reason;
    EXPECT_EQ(verdict.valid_until, "2026-07-02T10:00:00+00:00");
}

TEST(DomainDcvState, PendingIsNotComplete) {
    const DcvVerdict verdict = judge_dcv(
        expect_state(R"({"id":1,"name":"a.example","is_pending_validation":true})"), kNow);
    EXPECT_FALSE(verdict.complete);
    EXPECT_NE(verdict.reason.find("pending"), std::string::npos);
}

TEST(DomainDcvState, UnknownPendingIsNotComplete) {
    EXPECT_FALSE(judge_dcv(expect_state(R"({"id":1,"name":"a.example"})"), kNow).complete);
    EXPECT_FALSE(
        judge_dcv(expect_state(R"({"id":1,"is_pending_validation":null})"), kNow).complete);
}

TEST(DomainDcvState, APendingOrExpiredValidationIsNotComplete) {
    for (const char* validation :
         {R"({"type":"ev","status":"pending"})", R"({"type":"ov","dcv_status":"pending"})",
          R"({"type":"ov","dcv_status":"EXPIRED"})"}) {
        const DcvVerdict verdict = judge_dcv(
            expect_state(std::string(R"({"is_pending_validation":false,"validations":[)") +
                         R"({"type":"ov","status":"active"},)" + validation + "]}"),
            kNow);
        EXPECT_FALSE(verdict.complete) << validation;
        EXPECT_NE(verdict.reason.find("validation is"), std::string::npos) << verdict.reason;
    }
}

TEST(DomainDcvState, APastExpiryIsNotComplete) {
    const DcvVerdict dcv = judge_dcv(expect_state(R"({"is_pending_validation":false,
                         "dcv_expiration_datetime":"2025-12-31T23:59:59+00:00"})"),
                                     kNow);
    EXPECT_FALSE(dcv.complete);
    EXPECT_NE(dcv.reason.find("expired"), std::string::npos);
    const DcvVerdict validation = judge_dcv(expect_state(R"({"is_pending_validation":false,
                         "validations":[{"type":"ov","validated_until":"2025-06-30"}]})"),
                                            kNow);
    EXPECT_FALSE(validation.complete);
    EXPECT_EQ(validation.valid_until, "2025-06-30");
}

TEST(DomainDcvState, AnUnreadableExpiryDoesNotBlockCompletion) {
    const DcvVerdict verdict = judge_dcv(
        expect_state(R"({"is_pending_validation":false,"dcv_expiration_datetime":"soon"})"), kNow);
    EXPECT_TRUE(verdict.complete);
    EXPECT_EQ(verdict.valid_until, "soon");
}

TEST(DomainDcvState, ReadsDigiCertTimesWithOffsetsAndPlainDates) {
    const auto utc = parse_digicert_time("2026-01-01T02:00:00+02:00");
    ASSERT_TRUE(utc.has_value());
    EXPECT_EQ(*utc, kNow);
    EXPECT_EQ(parse_digicert_time("2026-01-01"), kNow);
    EXPECT_EQ(parse_digicert_time("9999-12-31T23:59:59+00:00"),
              std::chrono::system_clock::time_point::max())
        << "past what system_clock holds: far future, not an overflow";
    EXPECT_FALSE(parse_digicert_time("").has_value());
    EXPECT_FALSE(parse_digicert_time("next tuesday").has_value());
}

TEST(DomainDcvState, MalformedAnswersAreProblemsNamingThePath) {
    const auto problem = [](const std::string& body) {
        auto parsed = parse_domain_dcv_state(body);
        return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
    };
    EXPECT_NE(problem("").find("empty"), std::string::npos);
    EXPECT_NE(problem("null").find("not JSON"), std::string::npos);
    EXPECT_NE(problem("[]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(problem(R"({"is_pending_validation":"no"})").find("is_pending_validation"),
              std::string::npos);
    EXPECT_NE(problem(R"({"validations":{}})").find("validations must be an array"),
              std::string::npos);
    EXPECT_NE(problem(R"({"validations":[{"status":5}]})").find("validations[0].status"),
              std::string::npos);
    std::string many = R"({"validations":[)";
    for (std::size_t i = 0; i <= kMaxValidations; ++i) {
        many += i ? ",{}" : "{}";
    }
    EXPECT_NE(problem(many + "]}").find("the limit is 50"), std::string::npos);
}

}  // namespace
