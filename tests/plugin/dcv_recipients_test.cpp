// Whom DigiCert will mail: the eligible addresses from GET .../dcv/emails (constructed and DNS
// TXT, never WHOIS), the requested ones split into will_mail and ignored, compared without
// case, and an unknown split when the resend's scope is not the one listed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dcv_recipients.h"

namespace {

using namespace digicert_dcv;
using Strings = std::vector<std::string>;

DcvEmailList example_net() {
    auto parsed = parse_dcv_email_list(R"({"name_scope":"example.net",
        "base_emails":["admin@example.net","administrator@example.net"],
        "whois_emails":["registrant@example.net","ADMIN@example.net"],
        "dns_txt_emails":["dcv@example.net"]})");
    EXPECT_TRUE(std::holds_alternative<DcvEmailList>(parsed));
    return std::get<DcvEmailList>(parsed);
}

TEST(DcvRecipients, EligibleIsConstructedAndDnsTxtOnceInOrderNeverWhois) {
    const RecipientReport report = report_recipients({}, example_net(), "");
    EXPECT_EQ(report.eligible,
              (Strings{"admin@example.net", "administrator@example.net", "dcv@example.net"}));
    EXPECT_TRUE(report.split_known);
    EXPECT_EQ(report.listed_scope, "example.net");
    EXPECT_EQ(report.resend_scope, "example.net");
}

TEST(DcvRecipients, SplitsRequestedIntoWillMailAndIgnoredWithWhoisSaidSo) {
    const RecipientReport report = report_recipients(
        {"Registrant@Example.NET", "ceo@example.net", "DCV@example.net"}, example_net(), "");
    EXPECT_EQ(report.will_mail, Strings{"DCV@example.net"});
    EXPECT_EQ(report.ignored, (Strings{"Registrant@Example.NET", "ceo@example.net"}));
    EXPECT_EQ(report.whois, Strings{"Registrant@Example.NET"});
    EXPECT_FALSE(report.all_eligible_mailed);
    const std::string warning = recipient_warning(report);
    EXPECT_NE(warning.find("ignores 2 requested addresses"), std::string::npos) << warning;
    EXPECT_NE(warning.find("Registrant@Example.NET is a WHOIS contact, no longer eligible"),
              std::string::npos)
        << warning;
    EXPECT_NE(warning.find("and mails DCV@example.net"), std::string::npos) << warning;
}

TEST(DcvRecipients, NoneEligibleMeansAllEligibleAreMailed) {
    const RecipientReport report =
        report_recipients({"ceo@example.net", "registrant@example.net"}, example_net(), "");
    EXPECT_EQ(report.ignored, (Strings{"ceo@example.net", "registrant@example.net"}));
    EXPECT_EQ(report.will_mail, report.eligible);
    EXPECT_TRUE(report.all_eligible_mailed);
    const std::string warning = recipient_warning(report);
    EXPECT_NE(warning.find("none of the requested addresses is eligible"), std::string::npos)
        << warning;
    EXPECT_NE(warning.find("mails all 3 eligible addresses"), std::string::npos) << warning;
}

TEST(DcvRecipients, NothingRequestedMailsAllEligibleWithoutAWarning) {
    const RecipientReport report = report_recipients({}, example_net(), "");
    EXPECT_TRUE(report.ignored.empty());
    EXPECT_EQ(report.will_mail, report.eligible);
    EXPECT_TRUE(report.all_eligible_mailed);
    EXPECT_EQ(recipient_warning(report), "");
}

TEST(DcvRecipients, TheDomainsOwnScopeInAnyCaseIsAKnownSplit) {
    EXPECT_TRUE(report_recipients({"admin@example.net"}, example_net(), "Example.NET").split_known);
}

TEST(DcvRecipients, AnotherScopeMakesTheSplitUnknownExceptForWhois) {
    const RecipientReport report =
        report_recipients({"admin@sub.example.net", "admin@example.net", "registrant@example.net"},
                          example_net(), "sub.example.net");
    EXPECT_FALSE(report.split_known);
    EXPECT_EQ(report.resend_scope, "sub.example.net");
    EXPECT_TRUE(report.will_mail.empty()) << "whom DigiCert mails cannot be told";
    EXPECT_FALSE(report.all_eligible_mailed);
    EXPECT_EQ(report.unknown, (Strings{"admin@sub.example.net", "admin@example.net"}));
    EXPECT_EQ(report.ignored, Strings{"registrant@example.net"});
    const std::string warning = recipient_warning(report);
    EXPECT_NE(warning.find("which addresses DigiCert mails for sub.example.net is unknown"),
              std::string::npos)
        << warning;
    EXPECT_NE(warning.find("listed the addresses of example.net"), std::string::npos) << warning;
    EXPECT_NE(warning.find("registrant@example.net is a WHOIS contact"), std::string::npos)
        << warning;
}

TEST(DcvRecipients, AnAnswerWithoutAScopeIsUnknownForAnExplicitScope) {
    auto parsed = parse_dcv_email_list(R"({"base_emails":["admin@a.example"]})");
    ASSERT_TRUE(std::holds_alternative<DcvEmailList>(parsed));
    const DcvEmailList& list = std::get<DcvEmailList>(parsed);
    EXPECT_FALSE(report_recipients({}, list, "a.example").split_known);
    EXPECT_TRUE(report_recipients({}, list, "").split_known);
}

TEST(DcvRecipients, AbsentAndNullListsAreEmpty) {
    auto parsed =
        parse_dcv_email_list(R"({"base_emails":["admin@a.example"],"whois_emails":null})");
    ASSERT_TRUE(std::holds_alternative<DcvEmailList>(parsed));
    EXPECT_TRUE(std::get<DcvEmailList>(parsed).whois_emails.empty());
    EXPECT_TRUE(std::get<DcvEmailList>(parsed).dns_txt_emails.empty());
}

TEST(DcvRecipients, MalformedAnswersAreProblems) {
    const auto problem = [](const std::string& body) {
        auto parsed = parse_dcv_email_list(body);
        return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
    };
    EXPECT_NE(problem("{}").find("none of base_emails"), std::string::npos);
    EXPECT_NE(problem(R"({"base_emails":"admin@a.example"})").find("must be an array"),
              std::string::npos);
    EXPECT_NE(problem(R"({"base_emails":[1]})").find("base_emails[0] must be a string"),
              std::string::npos);
    std::string many = R"({"whois_emails":[)";
    for (std::size_t i = 0; i <= kMaxEligiblePerList; ++i) {
        many += (i ? ",\"a" : "\"a") + std::to_string(i) + "@a.example\"";
    }
    EXPECT_NE(problem(many + "]}").find("the limit is 500"), std::string::npos);
    EXPECT_NE(problem("{\"base_emails\":[" + std::string(20, '[') + "]}").find("deeper"),
              std::string::npos);
}

TEST(DcvRecipients, AddressListsAreBoundedAndPrintable) {
    EXPECT_EQ(address_list({}), "none");
    EXPECT_EQ(address_list({"a@x.example", "b\n@x.example"}), "a@x.example, b?@x.example");
    EXPECT_EQ(address_list({"a@x", "b@x", "c@x"}, 2), "a@x, b@x and 1 more");
}

}  // namespace
