// The domain search answer: parsed with limits, and only an exact (case-insensitive) name
// match names a domain, since the search matches substrings.
#include <gtest/gtest.h>

#include <string>

#include "domain_list.h"
#include "response_json.h"

namespace {

using namespace digicert_dcv;

DomainList expect_list(const std::string& body) {
    auto parsed = parse_domain_list(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << "unexpected problem: " << *problem;
        return {};
    }
    return std::get<DomainList>(parsed);
}

std::string expect_problem(const std::string& body) {
    auto parsed = parse_domain_list(body);
    if (!std::holds_alternative<std::string>(parsed)) {
        ADD_FAILURE() << "accepted: " << body.substr(0, 200);
        return {};
    }
    return std::get<std::string>(parsed);
}

constexpr const char* kSearch = R"({"domains":[
    {"id":2345678,"name":"shop.example.com","is_active":true,"organization":{"id":1}},
    {"id":1234567,"name":"Example.COM","validations":[{"type":"ov"}]}],
    "page":{"total":2,"limit":1000,"offset":0}})";

TEST(DomainList, ParsesIdsNamesAndTheTotal) {
    const DomainList list = expect_list(kSearch);
    ASSERT_EQ(list.domains.size(), 2u);
    EXPECT_EQ(list.domains[0].id, 2345678);
    EXPECT_EQ(list.domains[1].name, "Example.COM");
    EXPECT_EQ(list.total, 2);
    EXPECT_FALSE(list_is_partial(list));
}

TEST(DomainList, OnlyAnExactNameMatchesIgnoringCase) {
    const DomainList list = expect_list(kSearch);
    const auto matches = exact_name_matches(list, "example.com");
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].id, 1234567);
    EXPECT_TRUE(exact_name_matches(list, "example").empty());
    EXPECT_TRUE(exact_name_matches(list, "ample.com").empty());
    EXPECT_EQ(exact_name_matches(list, "SHOP.example.com").size(), 1u);
}

TEST(DomainList, AnEmptyListAndAMissingPageAreFine) {
    EXPECT_TRUE(expect_list(R"({"domains":[]})").domains.empty());
    EXPECT_FALSE(expect_list(R"({"domains":[],"page":null})").total.has_value());
}

TEST(DomainList, ATotalAboveTheListedCountIsPartial) {
    EXPECT_TRUE(list_is_partial(
        expect_list(R"({"domains":[{"id":1,"name":"a.example"}],"page":{"total":5}})")));
}

TEST(DomainList, MalformedAnswersAreProblemsNamingThePath) {
    EXPECT_NE(expect_problem("").find("empty"), std::string::npos);
    EXPECT_NE(expect_problem("<html>busy</html>").find("not JSON"), std::string::npos);
    EXPECT_NE(expect_problem("[1,2]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(expect_problem(R"({"page":{}})").find("domains"), std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":{}})").find("domains must be an array"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[7]})").find("domains[0] must be an object"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[{"id":"1","name":"a.example"}]})")
                  .find("domains[0].id must be an integer"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[{"id":0,"name":"a.example"}]})").find("domains[0].id"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[{"id":1}]})").find("domains[0].name"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[],"page":{"total":"2"}})").find("page.total"),
              std::string::npos);
    EXPECT_NE(expect_problem(R"({"domains":[{"id":18446744073709551615,"name":"a.b"}]})")
                  .find("too large"),
              std::string::npos);
}

TEST(DomainList, LimitsSizeDepthAndCount) {
    EXPECT_NE(expect_problem(std::string(kMaxDomainListBody + 1, ' ')).find("larger than"),
              std::string::npos);
    std::string deep = R"({"domains":[{"id":1,"name":"a.b","x":)";
    for (int i = 0; i < 20; ++i) {
        deep += "[";
    }
    deep += "1";
    for (int i = 0; i < 20; ++i) {
        deep += "]";
    }
    deep += "}]}";
    EXPECT_NE(expect_problem(deep).find("deeper than"), std::string::npos);
    std::string many = R"({"domains":[)";
    for (std::size_t i = 0; i <= kMaxDomainsListed; ++i) {
        many += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(i + 1) +
                R"(,"name":"d.example"})";
    }
    many += "]}";
    EXPECT_NE(expect_problem(many).find("the limit is 1000"), std::string::npos);
    const std::string long_name(kMaxResponseString + 1, 'a');
    EXPECT_NE(
        expect_problem(R"({"domains":[{"id":1,"name":")" + long_name + "\"}]}").find("longer than"),
        std::string::npos);
}

}  // namespace
