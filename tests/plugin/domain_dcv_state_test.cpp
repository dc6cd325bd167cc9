// The domain info answer as parsed (dcv_validity_test.cpp judges it).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "domain_dcv_state.h"
#include "domain_state_samples.h"

namespace {

using namespace digicert_dcv;
using std::chrono::hours;

using dcv_test::kNow;

using dcv_test::expect_state;
using dcv_test::kValidated;

TEST(DomainDcvState, ParsesWhatCertCentralSends) {
    const DomainDcvState state = expect_state(kValidated);
    EXPECT_EQ(state.id, 1234568);
    EXPECT_EQ(state.name, "example.org");
    EXPECT_EQ(state.is_pending_validation, false);
    EXPECT_EQ(state.dcv_method, "email");
    ASSERT_EQ(state.validations.size(), 1u);
    EXPECT_EQ(state.validations[0].dcv_status, "complete");
}

TEST(DomainDcvState, ReadsDcvExpirationPerTypeInKeyOrder) {
    const DomainDcvState state =
        expect_state(R"({"id":1,"dcv_expiration":{"ov":"2027-01-02","ev":null,"x":"2026-02-01"}})");
    ASSERT_EQ(state.dcv_expiration.size(), 2u);
    EXPECT_EQ(state.dcv_expiration[0], (std::pair<std::string, std::string>{"ov", "2027-01-02"}));
    EXPECT_EQ(state.dcv_expiration[1].first, "x");
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
    EXPECT_NE(
        problem(R"({"dcv_expiration":["2027-01-01"]})").find("dcv_expiration must be an object"),
        std::string::npos);
    EXPECT_NE(problem(R"({"dcv_expiration":{"ov":7}})").find("dcv_expiration.ov"),
              std::string::npos);
    std::string many = R"({"validations":[)";
    for (std::size_t i = 0; i <= kMaxValidations; ++i) {
        many += i ? ",{}" : "{}";
    }
    EXPECT_NE(problem(many + "]}").find("the limit is 50"), std::string::npos);
}

}  // namespace
