// GET /domain as CertCentral documents it: filters[search] is an exact name match unless it
// starts with '%' (sent as %25), pages by limit/offset answered in page{total,limit,offset}, and
// a generated 2,500-domain account whose mix of states generated_domains.h documents.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "generated_domains.h"
#include "sandbox_server.h"
#include "sandbox_suite.h"
#include "sandbox_test_client.h"

namespace {

using Poco::JSON::Object;
using sandbox_test::Call;
using sandbox_test::Reply;
using sandbox_test::single_error;
using sandbox_test::StrictClient;

constexpr size_t kFleet = 2500;
constexpr long long kFirstFleetId = 5000000;
constexpr size_t kFixtureDomains = 6;  // fixtures/domains.json

Object::Ptr parse_object(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Object::Ptr>();
}

std::vector<std::string> names_of(const Object::Ptr& body) {
    std::vector<std::string> names;
    const auto domains = body->getArray("domains");
    for (unsigned i = 0; i < domains->size(); ++i) {
        names.push_back(domains->getObject(i)->getValue<std::string>("name"));
    }
    return names;
}

// The parser does not keep the order of members: compare them as sets.
std::set<std::string> keys_of(const Object::Ptr& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : *object) {
        keys.insert(key);
    }
    return keys;
}

class DomainList : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options = sandbox_test::base_options();
        options.start_time = std::chrono::system_clock::now();
        sandbox::DomainGenerator fleet;
        fleet.count = kFleet;
        sandbox::add_generated_domains(options.domains, fleet, *options.start_time);
        start_sandbox(options);
    }

    // GET /domain?QUERY; fails the test unless it answers 200.
    static Object::Ptr list(const std::string& query) {
        StrictClient client(server_->ca_file(), server_->port());
        const Reply reply = client.send(Call{"GET", "/services/v2/domain?" + query});
        EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
        return parse_object(reply.body);
    }
    static Reply list_reply(const std::string& query) {
        StrictClient client(server_->ca_file(), server_->port());
        return client.send(Call{"GET", "/services/v2/domain?" + query});
    }
    static long long page_value(const Object::Ptr& body, const std::string& name) {
        return body->getObject("page")->getValue<long long>(name);
    }
};

TEST_F(DomainList, SearchIsAnExactCaseInsensitiveNameMatch) {
    for (const std::string query :
         {"filters[search]=example.com", "filters%5Bsearch%5D=example.com",
          "filters[search]=EXAMPLE.Com"}) {
        const auto body = list(query);
        EXPECT_EQ(names_of(body), std::vector<std::string>{"example.com"}) << query;
        EXPECT_EQ(page_value(body, "total"), 1) << query;
    }
    // A part of a name is not a match without the leading %.
    for (const std::string part : {"example", "shop.example", "xample.com"}) {
        const auto body = list("filters[search]=" + part);
        EXPECT_TRUE(names_of(body).empty()) << part;
        EXPECT_EQ(page_value(body, "total"), 0) << part;
    }
}

TEST_F(DomainList, SearchStartingWithPercentMatchesSubstringsInIdOrder) {
    const auto body = list("filters[search]=%25example.com");
    EXPECT_EQ(names_of(body),
              (std::vector<std::string>{"example.com", "shop.example.com", "quirk.example.com"}));
    EXPECT_EQ(page_value(body, "total"), 3);
    const auto upper = list("filters%5Bsearch%5D=%25EXAMPLE.C");
    EXPECT_EQ(names_of(upper), (std::vector<std::string>{"example.com", "shop.example.com",
                                                         "example.co.uk", "quirk.example.com"}));
}

TEST_F(DomainList, PagesThroughTwoAndAHalfThousandDomainsWithoutGapsOrRepeats) {
    std::vector<long long> ids;
    for (const size_t offset : {0, 1000, 2000}) {
        const auto body =
            list("filters[search]=%25.fleet.example&limit=1000&offset=" + std::to_string(offset));
        EXPECT_EQ(page_value(body, "total"), static_cast<long long>(kFleet));
        EXPECT_EQ(page_value(body, "limit"), 1000);
        EXPECT_EQ(page_value(body, "offset"), static_cast<long long>(offset));
        const auto domains = body->getArray("domains");
        EXPECT_EQ(domains->size(), offset < 2000 ? 1000u : 500u) << offset;
        for (unsigned i = 0; i < domains->size(); ++i) {
            ids.push_back(domains->getObject(i)->getValue<long long>("id"));
        }
    }
    ASSERT_EQ(ids.size(), kFleet);
    EXPECT_EQ(std::set<long long>(ids.begin(), ids.end()).size(), kFleet);  // none twice
    for (size_t i = 0; i < ids.size(); ++i) {  // ascending, none missing
        ASSERT_EQ(ids[i], kFirstFleetId + static_cast<long long>(i)) << i;
    }
    const auto past_the_end = list("filters[search]=%25.fleet.example&offset=2500");
    EXPECT_TRUE(names_of(past_the_end).empty());
    EXPECT_EQ(page_value(past_the_end, "total"), static_cast<long long>(kFleet));
}

TEST_F(DomainList, APageOfAThousandIsQuick) {
    const auto began = std::chrono::steady_clock::now();
    for (int round = 0; round < 5; ++round) {
        const auto body = list("include_dcv=true&include_validation=true&offset=1000");
        ASSERT_EQ(body->getArray("domains")->size(), 1000u);
    }
    const auto took = std::chrono::steady_clock::now() - began;
    // Five pages, TLS included: seconds would mean a pass over the account per domain.
    EXPECT_LT(took, std::chrono::seconds(3))
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

TEST_F(DomainList, LimitDefaultsToAThousandAndIsClampedToIt) {
    const auto plain = list("");
    EXPECT_EQ(page_value(plain, "total"), static_cast<long long>(kFixtureDomains + kFleet));
    EXPECT_EQ(page_value(plain, "limit"), 1000);
    EXPECT_EQ(page_value(plain, "offset"), 0);
    EXPECT_EQ(plain->getArray("domains")->size(), 1000u);
    EXPECT_EQ(names_of(plain).front(), "example.com");  // the lowest id first

    const auto big = list("limit=5000");
    EXPECT_EQ(page_value(big, "limit"), 1000);
    EXPECT_EQ(big->getArray("domains")->size(), 1000u);

    const auto small = list("limit=2&offset=1");
    EXPECT_EQ(names_of(small), (std::vector<std::string>{"example.org", "example.net"}));
    EXPECT_EQ(page_value(small, "limit"), 2);
    EXPECT_EQ(page_value(small, "offset"), 1);
}

TEST_F(DomainList, LimitOrOffsetThatIsNotANonNegativeIntegerGets400InvalidParam) {
    for (const std::string query : {"limit=-1", "limit=ten", "offset=1.5", "offset=", "limit=+3"}) {
        const Reply reply = list_reply(query);
        EXPECT_EQ(reply.status, 400) << query;
        const auto [code, message] = single_error(reply.body);
        EXPECT_EQ(code, "invalid_param") << query;
        EXPECT_NE(message.find(query.substr(0, query.find('='))), std::string::npos) << message;
        EXPECT_NE(message.find("guess"), std::string::npos) << message;
    }
}

TEST_F(DomainList, StatusFilterSelectsActiveOrInactiveDomains) {
    // Of the fleet, state 4 (i % 10 == 4) is inactive: 250 of 2500.
    EXPECT_EQ(page_value(list("filters[search]=%25fleet&filters[status]=inactive"), "total"), 250);
    EXPECT_EQ(page_value(list("filters[search]=%25fleet&filters[status]=active"), "total"), 2250);
    const auto inactive = list("filters[search]=%25fleet&filters[status]=inactive&limit=1");
    EXPECT_EQ(names_of(inactive), std::vector<std::string>{"d00004.fleet.example"});
    EXPECT_FALSE(inactive->getArray("domains")->getObject(0)->getValue<bool>("is_active"));
}

TEST_F(DomainList, ListedDomainsCarryDcvAndValidationsOnlyWhenAsked) {
    const std::string one = "filters[search]=d00003.fleet.example";
    const auto plain = list(one)->getArray("domains")->getObject(0);
    EXPECT_EQ(keys_of(plain),
              (std::set<std::string>{"id", "name", "is_active", "is_pending_validation"}));

    const auto dcv = list(one + "&include_dcv=true")->getArray("domains")->getObject(0);
    EXPECT_EQ(keys_of(dcv),
              (std::set<std::string>{"id", "name", "is_active", "is_pending_validation",
                                     "dcv_method", "dcv_expiration"}));
    // State 3: OV active for 300 days, EV pending, so only ov has an expiration.
    EXPECT_EQ(keys_of(dcv->getObject("dcv_expiration")), std::set<std::string>{"ov"});
    EXPECT_TRUE(dcv->getValue<bool>("is_pending_validation"));

    const auto full = list(one + "&include_validation=true")->getArray("domains")->getObject(0);
    const auto validations = full->getArray("validations");
    ASSERT_EQ(validations->size(), 2u);
    EXPECT_EQ(validations->getObject(0)->getValue<std::string>("type"), "ov");
    EXPECT_EQ(validations->getObject(0)->getValue<std::string>("status"), "active");
    EXPECT_EQ(validations->getObject(1)->getValue<std::string>("type"), "ev");
    EXPECT_EQ(validations->getObject(1)->getValue<std::string>("status"), "pending");
    EXPECT_FALSE(validations->getObject(1)->has("validated_until"));
    EXPECT_FALSE(full->has("dcv_expiration"));
}

TEST_F(DomainList, GeneratedAccountFollowsTheDocumentedMixOfStates) {
    size_t pending = 0, inactive = 0, with_ov_expiration = 0, with_ev = 0;
    std::map<std::string, size_t> expiring;  // ISO validated_until -> how many
    for (const size_t offset : {0, 1000, 2000}) {
        const auto domains = list(
                                 "filters[search]=%25.fleet.example&include_dcv=true&"
                                 "include_dcv_expiration_time=true&offset=" +
                                 std::to_string(offset))
                                 ->getArray("domains");
        for (unsigned i = 0; i < domains->size(); ++i) {
            const auto domain = domains->getObject(i);
            pending += domain->getValue<bool>("is_pending_validation") ? 1 : 0;
            inactive += domain->getValue<bool>("is_active") ? 0 : 1;
            const auto expiration = domain->getObject("dcv_expiration");
            with_ev += expiration->has("ev") ? 1 : 0;
            if (expiration->has("ov")) {
                ++with_ov_expiration;
                ++expiring[expiration->getValue<std::string>("ov")];
            }
        }
    }
    EXPECT_EQ(pending, 500u);              // states 0 and 3
    EXPECT_EQ(inactive, 250u);             // state 4
    EXPECT_EQ(with_ov_expiration, 2250u);  // all but state 0
    EXPECT_EQ(with_ev, 0u);                // EV is never validated
    // Four distinct expirations (10, 25, 200 and 300 days), sorted by date as ISO strings sort.
    ASSERT_EQ(expiring.size(), 4u);
    std::vector<size_t> counts;
    for (const auto& [until, count] : expiring) {
        counts.push_back(count);
    }
    EXPECT_EQ(counts, (std::vector<size_t>{250, 250, 1250, 500}));
}

}  // namespace
