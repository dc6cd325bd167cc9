// The sandbox's certificates: the trusted one works with a strict client, the wrong-host and
// self-signed ones are refused before any HTTP request reaches the sandbox.
#include <Poco/Exception.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "sandbox_server.h"
#include "sandbox_test_client.h"

namespace {

using sandbox_test::Call;
using sandbox_test::StrictClient;

const Call kInfo{"GET", "/services/v2/domain/1234567"};

std::unique_ptr<sandbox::SandboxServer> server_with(sandbox::TlsIdentity identity) {
    sandbox::SandboxOptions options = sandbox_test::base_options();
    options.identity = identity;
    return std::make_unique<sandbox::SandboxServer>(std::move(options));
}

mode_t mode_of(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
}

void expect_refused(sandbox::TlsIdentity identity) {
    const auto server = server_with(identity);
    StrictClient client(server->ca_file(), server->port());
    EXPECT_THROW(client.send(kInfo), Poco::Exception);
    // The client reached the sandbox (so the refusal is about the certificate, not a closed
    // port) yet the sandbox received no HTTP request at all.
    EXPECT_GE(server->connections_accepted(), 1u);
    EXPECT_TRUE(server->requests().empty());
}

TEST(SandboxTls, StrictClientTrustsTheSandboxCa) {
    const auto server = server_with(sandbox::TlsIdentity::kTrusted);
    EXPECT_EQ(server->base_url(),
              "https://localhost:" + std::to_string(server->port()) + "/services/v2");
    StrictClient client(server->ca_file(), server->port());
    EXPECT_EQ(client.send(kInfo).status, 200);
}

TEST(SandboxTls, StrictClientRefusesWrongHostCertificate) {
    expect_refused(sandbox::TlsIdentity::kWrongHost);
}

TEST(SandboxTls, StrictClientRefusesSelfSignedCertificate) {
    expect_refused(sandbox::TlsIdentity::kSelfSigned);
}

TEST(SandboxTls, CaIsReadableAndKeysArePrivate) {
    const auto server = server_with(sandbox::TlsIdentity::kTrusted);
    EXPECT_EQ(mode_of(server->ca_file()), 0644u);
    for (const char* key : {"server-key.pem", "wrong-host-key.pem", "rogue-key.pem"}) {
        EXPECT_EQ(mode_of(server->state_dir() + "/" + key), 0600u) << key;
    }
}

TEST(SandboxTls, TemporaryStateDirIsRemovedOnStop) {
    auto server = server_with(sandbox::TlsIdentity::kTrusted);
    const std::string dir = server->state_dir();
    ASSERT_EQ(::access(server->ca_file().c_str(), R_OK), 0);
    server.reset();
    EXPECT_NE(::access(dir.c_str(), F_OK), 0) << dir;
}

TEST(SandboxTls, NamedStateDirIsCreatedAndKept) {
    char base[] = "/tmp/sandbox-tls-test-XXXXXX";
    ASSERT_NE(::mkdtemp(base), nullptr);
    const std::string dir = std::string(base) + "/nested/state";
    {
        sandbox::SandboxOptions options = sandbox_test::base_options();
        options.state_dir = dir;
        sandbox::SandboxServer server(std::move(options));
        EXPECT_EQ(server.ca_file(), dir + "/ca.pem");
        StrictClient client(server.ca_file(), server.port());
        EXPECT_EQ(client.send(kInfo).status, 200);
    }
    EXPECT_EQ(::access((dir + "/ca.pem").c_str(), R_OK), 0);
    const std::string cleanup = "rm -rf '" + std::string(base) + "'";
    EXPECT_EQ(std::system(cleanup.c_str()), 0);
}

TEST(SandboxTls, EachSandboxMakesItsOwnCa) {
    // Another sandbox's CA must not vouch for this one: the PKI really is per instance.
    const auto first = server_with(sandbox::TlsIdentity::kTrusted);
    const auto second = server_with(sandbox::TlsIdentity::kTrusted);
    StrictClient crossed(first->ca_file(), second->port());
    EXPECT_THROW(crossed.send(kInfo), Poco::Exception);
    EXPECT_TRUE(second->requests().empty());
}

TEST(SandboxTls, RejectsInvalidOptionsNamingTheField) {
    sandbox::SandboxOptions options = sandbox_test::base_options();
    options.base_path = "services/v2/";
    try {
        sandbox::SandboxServer server(options);
        FAIL() << "accepted a bad base_path";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("SandboxOptions.base_path"), std::string::npos);
    }
    options = sandbox_test::base_options();
    options.keys.push_back({"K", "admin"});
    try {
        sandbox::SandboxServer server(options);
        FAIL() << "accepted an unknown role";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("keys[2].role"), std::string::npos);
    }
}

}  // namespace
