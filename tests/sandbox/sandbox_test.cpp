// The sandbox's CertCentral behaviour, over real TLS with a strict Poco client. One server is
// shared by the suite (each stop costs an accept poll); tests reset its records first.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "sandbox_server.h"
#include "sandbox_suite.h"
#include "sandbox_test_client.h"

namespace {

using sandbox_test::Call;
using sandbox_test::kCanaryKey;
using sandbox_test::kViewOnlyKey;
using sandbox_test::Reply;
using sandbox_test::resend_target;
using sandbox_test::single_error;
using sandbox_test::StrictClient;

constexpr long long kExampleCom = 1234567;  // pending validation
constexpr long long kExampleOrg = 1234568;  // validated
constexpr long long kExampleNet = 1234569;  // has WHOIS and DNS TXT contacts

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::vector<std::string> strings_of(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> out;
    for (unsigned i = 0; array && i < array->size(); ++i) {
        out.push_back(array->getElement<std::string>(i));
    }
    return out;
}

class Sandbox : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() { start_sandbox(sandbox_test::base_options()); }

    static Reply call(const Call& c) {
        StrictClient client(server_->ca_file(), server_->port());
        return client.send(c);
    }
    static Reply resend(long long id, const std::string& body,
                        const std::string& key = kCanaryKey) {
        Call c{"PUT", resend_target(id), body, key};
        return call(c);
    }
};

TEST_F(Sandbox, ResendAnswers204WithEmptyBodyAndRecordsWhatWasSent) {
    const std::string body =
        R"({"name_scope":"sub.example.com","locale":"en","email_array":["admin@sub.example.com"]})";
    Call c{"PUT", resend_target(kExampleCom), body};
    c.headers = {{"User-Agent", "sandbox-test/1"}};
    const Reply reply = call(c);

    EXPECT_EQ(reply.status, 204);
    EXPECT_EQ(reply.body, "");
    ASSERT_EQ(server_->requests().size(), 1u);
    const sandbox::RecordedRequest seen = server_->requests()[0];
    EXPECT_EQ(seen.method, "PUT");
    EXPECT_EQ(seen.target, "/services/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(seen.http_version, "HTTP/1.1");
    EXPECT_EQ(seen.header("x-dc-devkey"), kCanaryKey);  // case-insensitive lookup
    EXPECT_EQ(seen.header("Content-Type"), "application/json");
    EXPECT_EQ(seen.header("Content-Length"), std::to_string(body.size()));
    EXPECT_EQ(seen.header("User-Agent"), "sandbox-test/1");
    EXPECT_EQ(seen.body, body);

    ASSERT_EQ(server_->accepted_resends().size(), 1u);
    const sandbox::AcceptedResend resend = server_->accepted_resends()[0];
    EXPECT_EQ(resend.domain_id, kExampleCom);
    EXPECT_EQ(resend.name_scope, "sub.example.com");
    EXPECT_EQ(resend.locale, "en");
    EXPECT_EQ(resend.requested, std::vector<std::string>{"admin@sub.example.com"});
    EXPECT_EQ(resend.mailed, std::vector<std::string>{"admin@sub.example.com"});
}

TEST_F(Sandbox, RecordsHeadersInTheOrderSent) {
    Call c{"GET", "/services/v2/domain/1234567"};
    c.headers = {{"X-Zeta", "1"}, {"X-Alpha", "2"}};
    ASSERT_EQ(call(c).status, 200);
    const auto headers = server_->requests().at(0).headers;
    auto position = [&](const std::string& name) {
        for (size_t i = 0; i < headers.size(); ++i) {
            if (headers[i].first == name) {
                return static_cast<long>(i);
            }
        }
        return -1L;
    };
    ASSERT_GE(position("X-Zeta"), 0);
    EXPECT_LT(position("X-Zeta"), position("X-Alpha"));
}

TEST_F(Sandbox, ResendIgnoresRequestedAddressesThatAreNotEligible) {
    const std::string body = R"({"email_array":["ceo@gmail.com","WEBMASTER@example.com",)"
                             R"("admin@example.org"]})";
    ASSERT_EQ(resend(kExampleCom, body).status, 204);
    const auto resends = server_->accepted_resends();
    ASSERT_EQ(resends.size(), 1u);
    EXPECT_EQ(resends[0].name_scope, "example.com");  // no name_scope sent: the domain's name
    EXPECT_EQ(resends[0].mailed, std::vector<std::string>{"WEBMASTER@example.com"});
    EXPECT_EQ(resends[0].requested.size(), 3u);
}

TEST_F(Sandbox, ResendMailsEveryEligibleAddressWhenNoneRequestedIsEligible) {
    ASSERT_EQ(resend(kExampleNet, R"({"email_array":["nobody@elsewhere.test"]})").status, 204);
    ASSERT_EQ(resend(kExampleNet, "{}").status, 204);
    // Constructed and DNS TXT addresses; the WHOIS contacts are never eligible.
    const std::vector<std::string> all = {"admin@example.net",      "administrator@example.net",
                                          "webmaster@example.net",  "hostmaster@example.net",
                                          "postmaster@example.net", "dcv@example.net"};
    const auto resends = server_->accepted_resends();
    ASSERT_EQ(resends.size(), 2u);
    EXPECT_EQ(resends[0].mailed, all);
    EXPECT_EQ(resends[1].mailed, all);
}

TEST_F(Sandbox, ResendAcceptsDnsTxtContactsButIgnoresWhoisOnes) {
    ASSERT_EQ(
        resend(kExampleNet, R"({"email_array":["dcv@example.net","tech@example.net"]})").status,
        204);
    EXPECT_EQ(server_->accepted_resends().at(0).mailed,
              std::vector<std::string>{"dcv@example.net"});
}

TEST_F(Sandbox, MissingKeyGets401InvalidApiKey) {
    const Reply reply = resend(kExampleCom, "{}", "");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(single_error(reply.body).first, "invalid_api_key");
    EXPECT_TRUE(server_->accepted_resends().empty());
    EXPECT_EQ(server_->requests().size(), 1u);  // recorded even though refused
}

TEST_F(Sandbox, UnknownKeyGets401WithoutEchoingTheKey) {
    const Reply reply = resend(kExampleCom, "{}", "NOT-A-KEY-5e6f");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(single_error(reply.body).first, "invalid_api_key");
    EXPECT_EQ(reply.body.find("NOT-A-KEY-5e6f"), std::string::npos);
}

TEST_F(Sandbox, ViewOnlyKeyResendGets403MissingPermission) {
    const Reply reply = resend(kExampleCom, "{}", kViewOnlyKey);
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(single_error(reply.body).first, "access_denied|missing_permission");
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Sandbox, ViewOnlyKeyMayReadDomainInfo) {
    Call c{"GET", "/services/v2/domain/1234567", "", kViewOnlyKey};
    EXPECT_EQ(call(c).status, 200);
}

TEST_F(Sandbox, UnknownOrMalformedDomainIdGets404NotFound) {
    for (const std::string id : {"999", "0", "-5", "abc", "12345678901234567890"}) {
        Call c{"PUT", "/services/v2/domain/" + id + "/dcv/emails", "{}"};
        const Reply reply = call(c);
        EXPECT_EQ(reply.status, 404) << id;
        EXPECT_EQ(single_error(reply.body).first, "not_found|domain") << id;
    }
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Sandbox, MalformedResendBodiesGet400BadRequestFormatNamingTheField) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[]", "JSON object"},
        {"not json", "JSON object"},
        {"", "JSON object"},
        {R"({"email_array":"admin@example.com"})", "email_array"},
        {R"({"email_array":["admin@example.com",7]})", "email_array[1]"},
        {R"({"name_scope":42})", "name_scope"},
        {R"({"locale":["en"]})", "locale"},
    };
    for (const auto& [body, field] : cases) {
        const Reply reply = resend(kExampleCom, body);
        EXPECT_EQ(reply.status, 400) << body;
        const auto [code, message] = single_error(reply.body);
        EXPECT_EQ(code, "bad_request_format") << body;
        EXPECT_NE(message.find(field), std::string::npos) << message;
    }
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Sandbox, ResendWithoutJsonContentTypeGets400SayingSo) {
    Call c{"PUT", resend_target(kExampleCom), "{}"};
    c.content_type = "text/plain";
    const Reply reply = call(c);
    EXPECT_EQ(reply.status, 400);
    const auto [code, message] = single_error(reply.body);
    EXPECT_EQ(code, "bad_request_format");
    EXPECT_NE(message.find("Content-Type must be application/json"), std::string::npos);

    c.content_type = "application/json; charset=utf-8";
    EXPECT_EQ(call(c).status, 204);
}

TEST_F(Sandbox, BodyOver64KiBGets413AndIsStillRecorded) {
    const std::string big = R"({"locale":")" + std::string(70 * 1024, 'x') + R"("})";
    const Reply reply = resend(kExampleCom, big);
    EXPECT_EQ(reply.status, 413);
    EXPECT_FALSE(single_error(reply.body).first.empty());
    EXPECT_EQ(server_->requests().size(), 1u);
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Sandbox, UnknownPathGets404AndWrongMethodGets405) {
    Call unknown{"GET", "/services/v2/order/certificate/1"};
    const Reply not_found = call(unknown);
    EXPECT_EQ(not_found.status, 404);
    EXPECT_EQ(single_error(not_found.body).first, "not_found|route");

    Call outside{"GET", "/other/domain/1234567"};
    const Reply outside_reply = call(outside);
    EXPECT_EQ(outside_reply.status, 404);
    EXPECT_EQ(single_error(outside_reply.body).first, "not_found|route");

    Call post{"POST", resend_target(kExampleCom), "{}"};
    const Reply wrong_method = call(post);
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(wrong_method.header("Allow"), "GET, PUT");
    EXPECT_EQ(single_error(wrong_method.body).first, "method_not_allowed");
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(Sandbox, DomainInfoReportsValidationStateWhenAskedFor) {
    Call c{"GET", "/services/v2/domain/1234568?include_dcv=true&include_validation=true"};
    const auto validated = parse_object(call(c).body);
    EXPECT_EQ(validated->getValue<long long>("id"), kExampleOrg);
    EXPECT_EQ(validated->getValue<std::string>("name"), "example.org");
    EXPECT_TRUE(validated->getValue<bool>("is_active"));
    EXPECT_FALSE(validated->getValue<bool>("is_pending_validation"));
    EXPECT_EQ(validated->getValue<std::string>("dcv_method"), "email");
    EXPECT_TRUE(validated->has("dcv_expiration_datetime"));
    const auto validation = validated->getArray("validations")->getObject(0);
    EXPECT_EQ(validation->getValue<std::string>("type"), "ov");
    EXPECT_EQ(validation->getValue<std::string>("status"), "active");
    EXPECT_EQ(validation->getValue<std::string>("dcv_status"), "complete");
    EXPECT_TRUE(validation->has("validated_until"));

    c.target = "/services/v2/domain/1234567?include_dcv=true&include_validation=true";
    const auto pending = parse_object(call(c).body);
    EXPECT_TRUE(pending->getValue<bool>("is_pending_validation"));
    EXPECT_FALSE(pending->has("dcv_expiration_datetime"));
    const auto pending_validation = pending->getArray("validations")->getObject(0);
    EXPECT_EQ(pending_validation->getValue<std::string>("status"), "pending");
    EXPECT_EQ(pending_validation->getValue<std::string>("dcv_status"), "pending");

    c.target = "/services/v2/domain/1234568";  // without the include flags: the basics only
    const auto plain = parse_object(call(c).body);
    EXPECT_FALSE(plain->has("validations"));
    EXPECT_FALSE(plain->has("dcv_method"));
}

TEST_F(Sandbox, DcvEmailsListsConstructedWhoisAndDnsTxtAddresses) {
    Call c{"GET", resend_target(kExampleNet)};
    const Reply reply = call(c);
    ASSERT_EQ(reply.status, 200);
    const auto body = parse_object(reply.body);
    EXPECT_EQ(body->getValue<std::string>("name_scope"), "example.net");
    EXPECT_EQ(strings_of(body->getArray("base_emails")),
              (std::vector<std::string>{"admin@example.net", "administrator@example.net",
                                        "webmaster@example.net", "hostmaster@example.net",
                                        "postmaster@example.net"}));
    EXPECT_EQ(strings_of(body->getArray("whois_emails")),
              (std::vector<std::string>{"registrant@example.net", "tech@example.net"}));
    EXPECT_EQ(strings_of(body->getArray("dns_txt_emails")),
              std::vector<std::string>{"dcv@example.net"});
}

TEST_F(Sandbox, DomainListSearchMatchesWholeNamesOrSubstringsAfterAPercent) {
    for (const std::string query :
         {"filters[search]=%25example.com", "filters%5Bsearch%5D=%25example.com"}) {
        Call c{"GET", "/services/v2/domain?" + query};
        const Reply reply = call(c);
        ASSERT_EQ(reply.status, 200) << query;
        const auto body = parse_object(reply.body);
        const auto domains = body->getArray("domains");
        std::vector<std::string> names;
        for (unsigned i = 0; i < domains->size(); ++i) {
            names.push_back(domains->getObject(i)->getValue<std::string>("name"));
        }
        EXPECT_EQ(names, (std::vector<std::string>{"example.com", "shop.example.com",
                                                   "quirk.example.com"}))
            << query;
        EXPECT_EQ(body->getObject("page")->getValue<int>("total"), 3);
    }
    Call exact{"GET", "/services/v2/domain?filters[search]=example.com"};
    EXPECT_EQ(parse_object(call(exact).body)->getArray("domains")->size(), 1u);
    Call none{"GET", "/services/v2/domain?filters[search]=nothing-like-this"};
    EXPECT_EQ(parse_object(call(none).body)->getArray("domains")->size(), 0u);
}

TEST_F(Sandbox, KeepAliveServesTwoRequestsOnOneConnection) {
    StrictClient client(server_->ca_file(), server_->port());
    Call info{"GET", "/services/v2/domain/1234567"};
    EXPECT_EQ(client.send(info).status, 200);
    Call put{"PUT", resend_target(kExampleCom), "{}"};
    EXPECT_EQ(client.send(put).status, 204);  // a 204 must not end keep-alive either
    EXPECT_EQ(client.send(info).status, 200);
    EXPECT_EQ(server_->requests().size(), 3u);
    EXPECT_EQ(server_->connections_accepted(), 1u);
}

}  // namespace
