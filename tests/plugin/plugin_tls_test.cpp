// TLS is verified strictly: a certificate for another host, a self-signed one, or one the
// trust store does not know is refused as `tls`, not retried, and the server receives nothing.
// The verdict is the plugin's own: nothing in Poco's process-wide SSLManager (a handler another
// library or another copy of the plugin installed, a console prompt) can change it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <Poco/AutoPtr.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Util/Application.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

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

// The spec without its ca_file: only the system's trust anchors verify the server.
std::string without_ca_file(sandbox::SandboxServer& server) {
    std::string spec = resend_spec(server);
    const std::string ca = ",\"ca_file\":\"" + server.ca_file() + "\"";
    const std::size_t at = spec.find(ca);
    if (at == std::string::npos) {
        throw std::runtime_error("resend_spec has no ca_file");
    }
    spec.erase(at, ca.size());
    return spec;
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
    expect_refused(server, without_ca_file(server));
}

// Exit code 0 when a resend to a sandbox whose CA is trusted only through the environment
// (SSL_CERT_FILE or SSL_CERT_DIR, as OpenSSL's default paths read them) succeeds, 1 when it
// is refused, 2 otherwise. Runs in a fresh process (threadsafe death test): the plugin builds
// its context, system anchors included, once per process. The child ends with _exit: what it
// checks is trust, and the plugin it loaded is never unloaded there (ASan's leak check would
// count the plugin's process-long TLS state).
int resend_trusting_environment(bool through_dir) {
    sandbox::SandboxServer server(sandbox_options(sandbox::TlsIdentity::kTrusted));
    const std::string dir = ::testing::TempDir() + "/tls-anchors-" + std::to_string(::getpid());
    if (through_dir) {
        // A c_rehash-style directory: <subject hash>.0 -> the CA.
        if (std::system(("mkdir -p '" + dir + "' && cp '" + server.ca_file() + "' '" + dir +
                         "/ca.pem' && ln -s ca.pem '" + dir +
                         "/'$(openssl x509 -hash -noout -in '" + server.ca_file() + "').0")
                            .c_str()) != 0) {
            return 2;
        }
        ::setenv("SSL_CERT_DIR", dir.c_str(), 1);
        ::setenv("SSL_CERT_FILE", (dir + "/none.pem").c_str(), 1);
    } else {
        ::setenv("SSL_CERT_FILE", server.ca_file().c_str(), 1);
        ::setenv("SSL_CERT_DIR", (dir + "-none").c_str(), 1);
    }
    RecordingHost host;
    const Execution e = execute(without_ca_file(server), host);
    if (std::system(("rm -rf '" + dir + "'").c_str()) != 0) {
        std::fprintf(stderr, "could not remove %s\n", dir.c_str());  // a leftover, not a failure
    }
    if (status_of(e) == "succeeded" && server.accepted_resends().size() == 1) {
        return 0;
    }
    return error_kind_of(e) == "tls" ? 1 : 2;
}

// The system's anchors are read lazily (not parsed into every context, issue 12), and are still
// the system's: the bundle SSL_CERT_FILE names and the hashed directory SSL_CERT_DIR names.
TEST(TlsDeathTest, TrustsTheBundleThatSslCertFileNames) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(::_exit(resend_trusting_environment(false)), ::testing::ExitedWithCode(0), "");
}

TEST(TlsDeathTest, TrustsTheHashedDirectoryThatSslCertDirNames) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(::_exit(resend_trusting_environment(true)), ::testing::ExitedWithCode(0), "");
}

// stdin replaced, for the scope, by a pipe that holds "y\n" (not a terminal).
class YesOnStdin {
  public:
    YesOnStdin() : saved_(::dup(STDIN_FILENO)) {
        int fds[2];
        if (saved_ < 0 || ::pipe(fds) != 0 || ::write(fds[1], "y\n", 2) != 2 ||
            ::dup2(fds[0], STDIN_FILENO) < 0) {
            throw std::runtime_error("cannot replace stdin");
        }
        ::close(fds[0]);
        write_end_ = fds[1];  // kept open: a reader would find "y", then wait
    }
    YesOnStdin(const YesOnStdin&) = delete;
    YesOnStdin& operator=(const YesOnStdin&) = delete;
    ~YesOnStdin() {
        ::dup2(saved_, STDIN_FILENO);
        ::close(saved_);
        ::close(write_end_);
    }

    // What nobody has read from stdin yet (reads it, without waiting).
    std::string unread() const {
        std::string out;
        pollfd readable{STDIN_FILENO, POLLIN, 0};
        char buffer[16];
        while (::poll(&readable, 1, 0) == 1 && (readable.revents & POLLIN) != 0) {
            const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (got <= 0) {
                break;
            }
            out.append(buffer, static_cast<size_t>(got));
        }
        return out;
    }

  private:
    int saved_;
    int write_end_ = -1;
};

TEST(Tls, NoConsolePromptEvenWithAnApplicationAndAYesOnStdin) {
    // With a Poco::Util::Application alive, SSLManager builds its default client handler from
    // the application's config: ConsoleCertificateHandler, which asks "Accept the certificate
    // (y,n)?" on stdin (and loops forever on a closed one). Here stdin answers yes, so a prompt
    // would accept the self-signed certificate.
    const Poco::AutoPtr<Poco::Util::Application> application(new Poco::Util::Application);
    const YesOnStdin yes;
    sandbox::SandboxServer server(sandbox_options(sandbox::TlsIdentity::kSelfSigned));
    const auto started = std::chrono::steady_clock::now();
    expect_refused(server, resend_spec(server));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(yes.unread(), "y\n") << "something read stdin: a certificate prompt";
}

TEST(Tls, AProcessWideAcceptingHandlerDoesNotDecideForThePlugin) {
    sandbox::SandboxServer trusted(sandbox_options());
    RecordingHost host;
    ASSERT_EQ(status_of(execute(resend_spec(trusted), host)), "succeeded");  // set up, in use

    // What another copy of the plugin, or any other library in the host, may install in Poco's
    // one SSLManager after this copy set itself up.
    using Handler = Poco::SharedPtr<Poco::Net::InvalidCertificateHandler>;
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, Handler(new Poco::Net::AcceptCertificateHandler(false)), nullptr);
    struct Restore {
        ~Restore() {
            Poco::Net::SSLManager::instance().initializeClient(
                nullptr, Handler(new Poco::Net::RejectCertificateHandler(false)), nullptr);
        }
    } restore;

    sandbox::SandboxServer self_signed(sandbox_options(sandbox::TlsIdentity::kSelfSigned));
    expect_refused(self_signed, resend_spec(self_signed));
    sandbox::SandboxServer wrong_host(sandbox_options(sandbox::TlsIdentity::kWrongHost));
    expect_refused(wrong_host, resend_spec(wrong_host));
}

}  // namespace
