// The key's own memory in the plugin (issue 9, Low): SecretString wipes and never grows; the
// request the client writes itself is byte for byte what Poco's HTTPRequest::write and the body
// stream sent before; the spec reader takes the key in place and wipes the parsed copy.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>

#include <sstream>
#include <stdexcept>

#include "dcv_resend_request.h"
#include "secret_string.h"
#include "secret_wire_request.h"
#include "spec_json_reader.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;

CertCentralRequest resend_request() {
    auto parsed = parse_dcv_resend_spec(to_text(valid_spec_object()));
    EXPECT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    return build_dcv_resend_request(std::get<DcvResendSpec>(parsed), 1234567);
}

// What Poco itself would have sent for `request`: the head as HTTPRequest::write writes it, with
// what sendRequest adds (Host, and Proxy-Connection through a proxy), then the body.
std::string poco_bytes(const CertCentralRequest& request, bool through_proxy) {
    Poco::Net::HTTPRequest http(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers(/*redact_key=*/false)) {
        if (name == "Content-Length") {
            http.setContentLength(static_cast<std::streamsize>(request.body.size()));
        } else {
            http.set(name, value);
        }
    }
    http.setKeepAlive(true);
    http.setHost(request.host, request.port);
    if (through_proxy) {
        http.set(Poco::Net::HTTPMessage::PROXY_CONNECTION, "Keep-Alive");
    }
    std::ostringstream out;
    http.write(out);
    return out.str() + (request.has_body() ? request.body : "");
}

// The client's bytes for `request`, with the head completed as sendRequest completes it.
std::string own_bytes(const CertCentralRequest& request, bool through_proxy) {
    HeadWrittenByCaller head(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    prepare_head(request, head);
    head.setHost(request.host, request.port);
    if (through_proxy) {
        head.set(Poco::Net::HTTPMessage::PROXY_CONNECTION, "Keep-Alive");
    }
    std::ostringstream poco_view;
    head.write(poco_view);
    EXPECT_TRUE(poco_view.str().empty()) << "Poco would write the head itself";
    const SecretString wire = render_wire_request(head, request);
    EXPECT_EQ(wire.size(), wire.capacity()) << "measured and written differ";
    return std::string(wire.view());
}

TEST(SecretWire, TheResendIsWhatPocoWouldHaveSent) {
    const CertCentralRequest put = resend_request();
    EXPECT_TRUE(own_bytes(put, false) == poco_bytes(put, false));
    EXPECT_TRUE(own_bytes(put, true) == poco_bytes(put, true));
    EXPECT_NE(own_bytes(put, false).find(std::string("\r\nX-DC-DEVKEY: ") + kCanaryKey + "\r\n"),
              std::string::npos);
}

TEST(SecretWire, AReadIsWhatPocoWouldHaveSentOnANonDefaultPort) {
    auto parsed = parse_dcv_resend_spec(to_text(valid_spec_object()));
    ASSERT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    DcvResendSpec spec = std::get<DcvResendSpec>(parsed);
    spec.connection.base_url.port = 8443;
    const CertCentralRequest get = build_certcentral_get(spec.connection, "/domain/7?a=b");
    EXPECT_TRUE(own_bytes(get, false) == poco_bytes(get, false));
}

TEST(SecretWire, ARequestWithoutAKeyHasNoKeyHeader) {
    CertCentralRequest put = resend_request();
    put.api_key = SecretString();
    EXPECT_EQ(own_bytes(put, false).find("X-DC-DEVKEY"), std::string::npos);
    EXPECT_TRUE(own_bytes(put, false) == poco_bytes(put, false));
}

TEST(SecretString, HoldsCopiesAndMovesWithoutGrowing) {
    SecretString key(kCanaryKey);
    EXPECT_TRUE(key == kCanaryKey);
    EXPECT_EQ(key.capacity(), key.size());
    const SecretString copy = key;
    EXPECT_TRUE(copy == kCanaryKey);
    EXPECT_NE(copy.data(), key.data());
    SecretString moved = std::move(key);
    EXPECT_TRUE(moved == kCanaryKey);
    EXPECT_TRUE(key.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_THROW(moved.append("x"), std::length_error);
    SecretString built = SecretString::with_capacity(4);
    built.append("ab").append("cd");
    EXPECT_TRUE(built == "abcd");
}

TEST(SecretString, WipesTheBytesItHeld) {
    char bytes[] = "secret-bytes";
    wipe_bytes(bytes, sizeof bytes - 1);
    for (std::size_t i = 0; i + 1 < sizeof bytes; ++i) {
        EXPECT_EQ(bytes[i], '\0');
    }
}

TEST(SpecReader, TakesTheKeyInPlaceAndWipesTheParsedCopy) {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root =
        parse_json_in_place(parser, std::string(R"({"api_key":")") + kCanaryKey + "\"}");
    const Poco::JSON::Object::Ptr object = root.extract<Poco::JSON::Object::Ptr>();
    const SecretString key = take_secret_string(*object, "connection", "api_key", 256);
    EXPECT_TRUE(key == kCanaryKey);
    const std::string left = object->getValue<std::string>("api_key");
    EXPECT_EQ(left, std::string(std::string_view(kCanaryKey).size(), '\0'));
}

TEST(SpecReader, AKeyThatIsNotAStringIsRefusedWithoutItsValue) {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root = parse_json_in_place(parser, R"({"api_key": 12345})");
    const Poco::JSON::Object::Ptr object = root.extract<Poco::JSON::Object::Ptr>();
    try {
        (void)take_secret_string(*object, "connection", "api_key", 256);
        FAIL() << "a number was taken as a key";
    } catch (const SpecInvalid& e) {
        EXPECT_EQ(e.field, "connection.api_key");
        EXPECT_EQ(e.msg.find("12345"), std::string::npos) << e.msg;
    }
    EXPECT_TRUE(take_secret_string(*object, "connection", "absent", 256).empty());
}

}  // namespace
