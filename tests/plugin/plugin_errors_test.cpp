// Each error family CertCentral can answer, as the plugin reports it: kind, http status,
// DigiCert's errors kept, a message that says what to do, and no retry of a 4xx.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

class ErrorFamilies : public PluginSandboxSuite {
  protected:
    static Poco::JSON::Object::Ptr error_of(const Execution& e) {
        return e.outcome->getObject("error");
    }
    static std::string first_code(const Execution& e) {
        const auto errors = error_of(e)->getObject("details")->getArray("api_errors");
        return errors && errors->size() > 0 ? errors->getObject(0)->getValue<std::string>("code")
                                            : "";
    }
};

void expect_failed_outcome(const Execution& e, const std::string& kind, int http_status) {
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_TRUE(e.outcome->getValue<bool>("failed"));
    EXPECT_FALSE(e.outcome->getValue<bool>("changed"));
    EXPECT_EQ(error_kind_of(e), kind) << e.raw;
    EXPECT_EQ(e.outcome->getObject("response")->getValue<int>("http_status"), http_status);
    EXPECT_EQ(e.outcome->getObject("error")->getObject("details")->getValue<int>("http_status"),
              http_status);
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "domain 1234567")) << e.raw;
}

TEST_F(ErrorFamilies, UnknownKeyIsAuthAndNotRetried) {
    RecordingHost host;
    SpecOptions options;
    options.key = "UNKNOWN-KEY-0000";
    const Execution e = execute(resend_spec(*server_, options), host);
    expect_failed_outcome(e, "auth", 401);
    EXPECT_EQ(first_code(e), "invalid_api_key");
    EXPECT_TRUE(contains(error_of(e)->getValue<std::string>("msg"), "key source"));
    EXPECT_FALSE(error_of(e)->getValue<bool>("retryable"));
    EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(ErrorFamilies, ViewOnlyKeyIsPermissionWithTheWholeCode) {
    RecordingHost host;
    SpecOptions options;
    options.key = kViewOnlyKey;
    const Execution e = execute(resend_spec(*server_, options), host);
    expect_failed_outcome(e, "permission", 403);
    EXPECT_EQ(first_code(e), "access_denied|missing_permission");
    EXPECT_TRUE(contains(error_of(e)->getValue<std::string>("msg"), "permission"));
    EXPECT_EQ(server_->requests().size(), 1u);
}

// A base URL without /services/v2: the sandbox, like CertCentral, answers not_found|route,
// which is a configuration error naming connection.base_url, never "domain not found".
TEST_F(ErrorFamilies, ABaseUrlWithoutServicesV2IsAConfigurationError) {
    RecordingHost host;
    std::string spec = resend_spec(*server_);
    const std::size_t at = spec.find("/services/v2");
    ASSERT_NE(at, std::string::npos) << spec;
    spec.erase(at, std::string("/services/v2").size());
    const Execution e = execute(spec, host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "invalid_input") << e.raw;
    EXPECT_EQ(first_code(e), "not_found|route") << e.raw;
    const std::string msg = error_of(e)->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "connection.base_url")) << msg;
    EXPECT_TRUE(contains(msg, "/services/v2")) << msg;
    EXPECT_FALSE(error_of(e)->getValue<bool>("retryable"));
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(ErrorFamilies, UnknownDomainIsNotFoundAndSaysTheKeyMayNotSeeIt) {
    RecordingHost host;
    SpecOptions options;
    options.domain_id = kUnknownDomainId;
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_EQ(error_kind_of(e), "not_found") << e.raw;
    EXPECT_EQ(e.outcome->getObject("response")->getValue<int>("http_status"), 404);
    const std::string msg = error_of(e)->getValue<std::string>("msg");
    EXPECT_TRUE(contains(msg, "may not exist")) << msg;
    EXPECT_TRUE(contains(msg, "may not see it")) << msg;
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "7654321"));
    EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(ErrorFamilies, BadRequestIsInvalidInputAndSentExactlyOnce) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.count = -1;
    rule.status = 400;
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    expect_failed_outcome(e, "invalid_input", 400);
    EXPECT_FALSE(first_code(e).empty()) << "DigiCert's error JSON is kept";
    EXPECT_EQ(attempts_of(e), 1);
    EXPECT_EQ(server_->requests().size(), 1u) << "a 400 is never retried";
}

TEST_F(ErrorFamilies, HtmlBadGatewayIsServerWithABodyExcerpt) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.count = -1;
    rule.status = 502;
    rule.content_type = "text/html";
    rule.body =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>";
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    expect_failed_outcome(e, "server", 502);
    EXPECT_TRUE(error_of(e)->getValue<bool>("retryable"));
    EXPECT_TRUE(contains(error_of(e)->getValue<std::string>("msg"), "not DigiCert JSON"));
    EXPECT_EQ(error_of(e)->getObject("details")->getValue<std::string>("body_excerpt"),
              "<html> <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>");
    EXPECT_EQ(attempts_of(e), 3);
}

}  // namespace
