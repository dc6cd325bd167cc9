// The sandbox against CertCentral's documentation for domain info and DCV emails:
// dcv_expiration in both documented formats, the is_pending_validation quirk, GET .../dcv/emails
// ignoring name_scope and honouring consider_dcv_email_preferences, and whom a resend mails
// (never WHOIS contacts; constructed addresses for the scope; everyone eligible when none
// requested is).
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "sandbox_server.h"
#include "sandbox_suite.h"
#include "sandbox_test_client.h"

namespace {

using Poco::JSON::Object;
using sandbox_test::Call;
using sandbox_test::Reply;
using sandbox_test::resend_target;
using sandbox_test::StrictClient;
using Strings = std::vector<std::string>;
using TimePoint = std::chrono::system_clock::time_point;

constexpr long long kExampleCom = 1234567;
constexpr long long kExampleNet = 1234569;  // WHOIS registrant@, tech@; DNS TXT dcv@
constexpr long long kQuirk = 4567890;       // OV active 300 days, is_pending_validation true
constexpr long long kDates = 7000001;       // OV and EV with fixed validated_until times
constexpr long long kExpired = 7000002;     // OV "active", validated until 5 days ago

const Strings kExampleNetConstructed = {"admin@example.net", "administrator@example.net",
                                        "webmaster@example.net", "hostmaster@example.net",
                                        "postmaster@example.net"};

TimePoint utc(int year, int month, int day, int hour, int minute) {
    const Poco::DateTime at(year, month, day, hour, minute);
    return std::chrono::system_clock::time_point(
        std::chrono::microseconds(at.timestamp().epochMicroseconds()));
}

Object::Ptr parse_object(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Object::Ptr>();
}

Strings strings_of(const Poco::JSON::Array::Ptr& array) {
    Strings out;
    for (unsigned i = 0; array && i < array->size(); ++i) {
        out.push_back(array->getElement<std::string>(i));
    }
    return out;
}

Strings with(Strings list, const Strings& more) {
    list.insert(list.end(), more.begin(), more.end());
    return list;
}

Object::Ptr get_object(const sandbox::SandboxServer& server, const std::string& target) {
    StrictClient client(server.ca_file(), server.port());
    const Reply reply = client.send(Call{"GET", "/services/v2" + target});
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
    return parse_object(reply.body);
}

// One suite per account setting; each starts its own sandbox from the default fixture plus the
// two dated domains, with `preferences` as the account's DCV email preferences.
sandbox::SandboxOptions docs_options(sandbox::DcvEmailPreferences preferences) {
    sandbox::SandboxOptions options = sandbox_test::base_options();
    options.dcv_email_preferences = preferences;
    sandbox::SandboxDomain dates(kDates, "dates.example");
    // 03:00 UTC is still the day before in Mountain time (UTC-7); 09:30 UTC is not.
    dates.validations = {{"ov", "active", utc(2031, 1, 15, 3, 0)},
                         {"ev", "active", utc(2031, 1, 15, 9, 30)}};
    options.domains.push_back(dates);
    sandbox::SandboxDomain expired(kExpired, "expired.example");
    expired.validations = {
        {"ov", "active", std::chrono::system_clock::now() - std::chrono::hours(24 * 5)}};
    options.domains.push_back(expired);
    return options;
}

class DomainDocs : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() { start_sandbox(docs_options({})); }
    static Object::Ptr get(const std::string& target) { return get_object(*server_, target); }
    static Reply resend(long long id, const std::string& body) {
        StrictClient client(server_->ca_file(), server_->port());
        return client.send(Call{"PUT", resend_target(id), body});
    }
};

TEST_F(DomainDocs, DcvExpirationIsAMountainDateUnlessTheTimeIsAskedFor) {
    const auto info = get("/domain/7000001?include_dcv=true");
    const auto dates = info->getObject("dcv_expiration");
    EXPECT_EQ(dates->getValue<std::string>("ov"), "2031-01-14");
    EXPECT_EQ(dates->getValue<std::string>("ev"), "2031-01-15");
    // The earliest validated_until.
    EXPECT_EQ(info->getValue<std::string>("dcv_expiration_datetime"), "2031-01-15T03:00:00+00:00");

    const auto timed = get("/domain/7000001?include_dcv=true&include_dcv_expiration_time=true")
                           ->getObject("dcv_expiration");
    EXPECT_EQ(timed->getValue<std::string>("ov"), "2031-01-15T03:00:00+00:00");
    EXPECT_EQ(timed->getValue<std::string>("ev"), "2031-01-15T09:30:00+00:00");

    // The list carries the same object in the same two forms.
    const std::string listed = "/domain?filters[search]=dates.example&include_dcv=true";
    EXPECT_EQ(get(listed)
                  ->getArray("domains")
                  ->getObject(0)
                  ->getObject("dcv_expiration")
                  ->getValue<std::string>("ov"),
              "2031-01-14");
    EXPECT_EQ(get(listed + "&include_dcv_expiration_time=true")
                  ->getArray("domains")
                  ->getObject(0)
                  ->getObject("dcv_expiration")
                  ->getValue<std::string>("ev"),
              "2031-01-15T09:30:00+00:00");
}

TEST_F(DomainDocs, DomainInfoKeepsItsFieldsAndAddsDcvExpiration) {
    const auto info = get("/domain/1234568?include_dcv=true&include_validation=true");
    std::set<std::string> keys;  // the parser does not keep the order of members
    for (const auto& [key, value] : *info) {
        keys.insert(key);
    }
    EXPECT_EQ(keys,
              (std::set<std::string>{"id", "name", "is_active", "is_pending_validation",
                                     "dcv_method", "dcv_approval_datetime",
                                     "dcv_expiration_datetime", "dcv_expiration", "validations"}));
    // "validated": true is OV and EV, both active.
    const auto validations = info->getArray("validations");
    ASSERT_EQ(validations->size(), 2u);
    EXPECT_EQ(validations->getObject(1)->getValue<std::string>("type"), "ev");
    EXPECT_EQ(validations->getObject(1)->getValue<std::string>("name"), "EV");
    EXPECT_EQ(validations->getObject(1)->getValue<std::string>("status"), "active");
    EXPECT_EQ(info->getObject("dcv_expiration")->size(), 2u);

    const auto pending = get("/domain/1234567?include_dcv=true");
    EXPECT_EQ(pending->getObject("dcv_expiration")->size(), 0u);
    EXPECT_FALSE(pending->has("dcv_approval_datetime"));
}

TEST_F(DomainDocs, QuirkDomainIsPendingValidationWhileItsOvIsActive) {
    const auto info = get("/domain/4567890?include_dcv=true&include_validation=true");
    EXPECT_EQ(info->getValue<std::string>("name"), "quirk.example.com");
    EXPECT_TRUE(info->getValue<bool>("is_pending_validation"));
    const auto validations = info->getArray("validations");
    ASSERT_EQ(validations->size(), 1u);
    const auto ov = validations->getObject(0);
    EXPECT_EQ(ov->getValue<std::string>("type"), "ov");
    EXPECT_EQ(ov->getValue<std::string>("status"), "active");
    EXPECT_EQ(ov->getValue<std::string>("dcv_status"), "complete");
    // About 300 days ahead: the year of validated_until is this year or the next.
    const std::string until = ov->getValue<std::string>("validated_until");
    const int year = std::stoi(until.substr(0, 4));
    const int now_year = Poco::DateTime().year();
    EXPECT_TRUE(year == now_year || year == now_year + 1) << until;
    EXPECT_TRUE(info->getObject("dcv_expiration")->has("ov"));
    EXPECT_FALSE(info->getObject("dcv_expiration")->has("ev"));
}

TEST_F(DomainDocs, ExpiredValidationStaysActiveWithAPastValidatedUntil) {
    const auto ov = get("/domain/7000002?include_validation=true&include_dcv=true")
                        ->getArray("validations")
                        ->getObject(0);
    EXPECT_EQ(ov->getValue<std::string>("status"), "active");
    const std::string until = ov->getValue<std::string>("validated_until");
    const std::string now =
        Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S+00:00");
    EXPECT_LT(until, now);  // ISO UTC strings of one shape compare as times
}

TEST_F(DomainDocs, DcvEmailsIgnoresANameScopeQuery) {
    const auto body = get("/domain/1234569/dcv/emails?name_scope=sub.example.net");
    EXPECT_EQ(body->getValue<std::string>("name_scope"), "example.net");
    EXPECT_EQ(strings_of(body->getArray("base_emails")), kExampleNetConstructed);
}

TEST_F(DomainDocs, DcvEmailsListsWhoisAsLegacyWithAndWithoutPreferences) {
    for (const std::string query : {"", "?consider_dcv_email_preferences=true"}) {
        const auto body = get("/domain/1234569/dcv/emails" + query);
        EXPECT_EQ(strings_of(body->getArray("base_emails")), kExampleNetConstructed) << query;
        EXPECT_EQ(strings_of(body->getArray("whois_emails")),
                  (Strings{"registrant@example.net", "tech@example.net"}))
            << query;
        EXPECT_EQ(strings_of(body->getArray("dns_txt_emails")), Strings{"dcv@example.net"});
    }
}

TEST_F(DomainDocs, ResendNeverMailsWhoisContacts) {
    ASSERT_EQ(
        resend(kExampleNet, R"({"email_array":["tech@example.net","dcv@example.net"]})").status,
        204);
    // tech@ is WHOIS: ignored like any address that is not eligible.
    EXPECT_EQ(server_->accepted_resends().at(0).mailed, Strings{"dcv@example.net"});

    ASSERT_EQ(resend(kExampleNet, R"({"email_array":["registrant@example.net"]})").status, 204);
    // Nothing requested is eligible: every eligible address, still without WHOIS.
    EXPECT_EQ(server_->accepted_resends().at(1).mailed,
              with(kExampleNetConstructed, {"dcv@example.net"}));
}

TEST_F(DomainDocs, ResendForASubdomainScopeMailsThatScopesConstructedAddresses) {
    ASSERT_EQ(resend(kExampleNet, R"({"name_scope":"shop.example.net"})").status, 204);
    const auto resend = server_->accepted_resends().at(0);
    EXPECT_EQ(resend.name_scope, "shop.example.net");
    EXPECT_EQ(resend.mailed, (Strings{"admin@shop.example.net", "administrator@shop.example.net",
                                      "webmaster@shop.example.net", "hostmaster@shop.example.net",
                                      "postmaster@shop.example.net", "dcv@example.net"}));
}

TEST_F(DomainDocs, ResendMailsEveryEligibleAddressWhenNoneRequestedIsEligible) {
    ASSERT_EQ(
        resend(kExampleCom, R"({"email_array":["ceo@gmail.com","admin@example.org"]})").status,
        204);
    EXPECT_EQ(server_->accepted_resends().at(0).mailed,
              (Strings{"admin@example.com", "administrator@example.com", "webmaster@example.com",
                       "hostmaster@example.com", "postmaster@example.com"}));
}

// An account whose preferences send DCV emails to DNS TXT contacts only.
class DnsTxtOnlyAccount : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() { start_sandbox(docs_options({false, true})); }
};

TEST_F(DnsTxtOnlyAccount, DcvEmailsAppliesPreferencesOnlyWhenAskedTo) {
    const auto all = get_object(*server_, "/domain/1234569/dcv/emails");
    EXPECT_EQ(strings_of(all->getArray("base_emails")), kExampleNetConstructed);
    EXPECT_EQ(strings_of(all->getArray("dns_txt_emails")), Strings{"dcv@example.net"});

    const auto applied =
        get_object(*server_, "/domain/1234569/dcv/emails?consider_dcv_email_preferences=true");
    EXPECT_TRUE(strings_of(applied->getArray("base_emails")).empty());
    EXPECT_EQ(strings_of(applied->getArray("dns_txt_emails")), Strings{"dcv@example.net"});

    const auto explicit_false =
        get_object(*server_, "/domain/1234569/dcv/emails?consider_dcv_email_preferences=false");
    EXPECT_EQ(strings_of(explicit_false->getArray("base_emails")), kExampleNetConstructed);
}

TEST_F(DnsTxtOnlyAccount, ResendMailsOnlyWhatThePreferencesAllow) {
    StrictClient client(server_->ca_file(), server_->port());
    const Call asked{"PUT", resend_target(kExampleNet), R"({"email_array":["admin@example.net"]})"};
    ASSERT_EQ(client.send(asked).status, 204);
    // admin@ is constructed, which this account does not mail: everyone eligible instead.
    EXPECT_EQ(server_->accepted_resends().at(0).mailed, Strings{"dcv@example.net"});
}

TEST(ConstructedOnlyAccount, DcvEmailsDropsDnsTxtContactsWhenPreferencesApply) {
    const sandbox::SandboxServer server(docs_options({true, false}));
    const auto applied =
        get_object(server, "/domain/1234569/dcv/emails?consider_dcv_email_preferences=1");
    EXPECT_EQ(strings_of(applied->getArray("base_emails")), kExampleNetConstructed);
    EXPECT_TRUE(strings_of(applied->getArray("dns_txt_emails")).empty());
    const auto all = get_object(server, "/domain/1234569/dcv/emails");
    EXPECT_EQ(strings_of(all->getArray("dns_txt_emails")), Strings{"dcv@example.net"});
}

}  // namespace
