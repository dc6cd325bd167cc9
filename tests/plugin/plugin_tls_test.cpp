// TLS is verified strictly: a certificate for another host, a self-signed one, or one the
// trust store does not know is refused as `tls`, not retried, and the server receives nothing.
#include <gtest/gtest.h>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

void expect_refused(sandbox::SandboxServer& server, const std::string& spec) {
    RecordingHost host;
    const Execution e = execute(spec, host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "tls") << e.raw;
    EXPECT_FALSE(e.outcome->getObject("error")->getValue<bool>("retryable"));
    EXPECT_EQ(attempts_of(e), 1) << "a TLS failure is not retried";
    EXPECT_FALSE(e.outcome->has("response"));
    EXPECT_TRUE(server.requests().empty()) << "no request may reach an untrusted server";
    EXPECT_TRUE(server.accepted_resends().empty());
}

TEST(Tls, RefusesACertificateForAnotherHost) {
    sandbox::SandboxServer server(sandbox_options(sandbox::TlsIdentity::kWrongHost));
    expect_refused(server, resend_spec(server));
}

TEST(Tls, RefusesASelfSignedCertificate) {
    sandbox::SandboxServer server(sandbox_options(sandbox::TlsIdentity::kSelfSigned));
    expect_refused(server, resend_spec(server));
}

TEST(Tls, RefusesAPrivateCaThatWasNotGivenAsCaFile) {
    sandbox::SandboxServer server(sandbox_options(sandbox::TlsIdentity::kTrusted));
    std::string spec = resend_spec(server);
    const std::string ca = ",\"ca_file\":\"" + server.ca_file() + "\"";
    const std::size_t at = spec.find(ca);
    ASSERT_NE(at, std::string::npos);
    spec.erase(at, ca.size());
    expect_refused(server, spec);
}

}  // namespace
