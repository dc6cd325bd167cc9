// Drives the plain-C host (abi_client.c) against the HTTPS sandbox: the plugin must be usable
// from C through the header alone, and what reaches the wire must be the seed's curl request.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <array>
#include <string>
#include <vector>

#include "sandbox_server.h"

extern char** environ;

namespace {

const char* const kCanaryKey = "CANARY-KEY-7f3a9c-abi";

struct ChildResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string drain(int fd) {
    std::string text;
    std::array<char, 4096> buf{};
    ssize_t n;
    while ((n = read(fd, buf.data(), buf.size())) > 0) {
        text.append(buf.data(), static_cast<size_t>(n));
    }
    return text;
}

// Runs abi_client with the key in its environment only. stderr goes to a temp file so that a
// full pipe can never deadlock the two processes.
ChildResult run_abi_client(const std::vector<std::string>& args) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        env_strings.emplace_back(*e);
    }
    env_strings.push_back(std::string("ABI_CLIENT_API_KEY=") + kCanaryKey);
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);

    std::vector<std::string> argv_strings{ABI_CLIENT_PATH};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) {
        argv.push_back(s.data());
    }
    argv.push_back(nullptr);

    int out_pipe[2];
    EXPECT_EQ(pipe(out_pipe), 0);
    char err_path[] = "/tmp/abi_client_stderr_XXXXXX";
    int err_fd = mkstemp(err_path);
    EXPECT_GE(err_fd, 0);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    ChildResult result;
    if (rc != 0) {
        ADD_FAILURE() << "posix_spawn failed: " << rc;
        close(out_pipe[0]);
        return result;
    }
    result.out = drain(out_pipe[0]);
    close(out_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    lseek(err_fd, 0, SEEK_SET);
    result.err = drain(err_fd);
    close(err_fd);
    unlink(err_path);
    return result;
}

sandbox::SandboxOptions options_for(sandbox::TlsIdentity identity) {
    sandbox::SandboxOptions options;
    options.identity = identity;
    options.domains.push_back({1234567, "example.com", false, {}, {}});
    options.keys.push_back({kCanaryKey, "manager"});
    return options;
}

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST(CAbiHost, ResendsThroughThePluginWithTheSeedCurlRequestOnTheWire) {
    sandbox::SandboxServer server(options_for(sandbox::TlsIdentity::kTrusted));
    ChildResult child =
        run_abi_client({DIGICERT_DCV_PLUGIN_PATH, server.base_url(), server.ca_file(), "1234567",
                        "sub.example.com", "admin@example.com"});
    ASSERT_EQ(child.exit_code, 0) << child.out << child.err;

    auto outcome = parse_object(child.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded");
    EXPECT_TRUE(outcome->getValue<bool>("changed"));
    EXPECT_FALSE(outcome->getValue<bool>("failed"));
    EXPECT_EQ(outcome->getValue<std::string>("id"), "abi-c-1");

    // The plugin first reads which addresses DigiCert will mail (a GET), then resends: the
    // resend must be exactly the seed's curl request.
    std::vector<sandbox::RecordedRequest> resends;
    for (const auto& request : server.requests()) {
        if (request.method != "GET") {
            resends.push_back(request);
        }
    }
    ASSERT_EQ(resends.size(), 1u);
    const auto& wire = resends[0];
    EXPECT_EQ(wire.method, "PUT");
    EXPECT_EQ(wire.target, "/services/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(wire.header("Content-Type"), "application/json");
    EXPECT_EQ(wire.header("X-DC-DEVKEY"), kCanaryKey);
    EXPECT_FALSE(wire.header("User-Agent").empty());
    EXPECT_EQ(wire.header("Content-Length"), std::to_string(wire.body.size()));
    auto body = parse_object(wire.body);
    EXPECT_EQ(body->size(), 3u);
    EXPECT_EQ(body->getValue<std::string>("name_scope"), "sub.example.com");
    EXPECT_EQ(body->getValue<std::string>("locale"), "en");
    auto emails = body->getArray("email_array");
    ASSERT_TRUE(emails);
    ASSERT_EQ(emails->size(), 1u);
    EXPECT_EQ(emails->getElement<std::string>(0), "admin@example.com");
    EXPECT_EQ(server.accepted_resends().size(), 1u);

    EXPECT_EQ(child.out.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(child.err.find(kCanaryKey), std::string::npos);
}

TEST(CAbiHost, WrongHostCertificateIsRefusedBeforeAnyRequest) {
    sandbox::SandboxServer server(options_for(sandbox::TlsIdentity::kWrongHost));
    ChildResult child =
        run_abi_client({DIGICERT_DCV_PLUGIN_PATH, server.base_url(), server.ca_file(), "1234567",
                        "sub.example.com", "admin@example.com"});
    ASSERT_EQ(child.exit_code, 1) << child.out << child.err;
    auto outcome = parse_object(child.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "failed");
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "tls");
    EXPECT_TRUE(server.requests().empty());
    EXPECT_EQ(child.out.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(child.err.find(kCanaryKey), std::string::npos);
}
