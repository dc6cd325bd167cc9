// A FIFO (or socket, or device) in the plugin directory or a manifests directory is refused with
// a reason at once, and the regular files beside it are still read: open() of a FIFO with no
// writer used to block the scan forever (issue 9, High 1). Each scan runs in a forked child that
// is killed after 2 s, so a hang fails the test instead of hanging it.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

#include "forked_call.h"
#include "host_test_support.h"
#include "manifest/manifest.h"
#include "manifest/manifest_sources.h"
#include "plugins/plugin_catalog.h"
#include "plugins/plugin_library.h"

namespace taskhost {
namespace {

using taskhost_test::call_forked;
using taskhost_test::ForkedCall;
using taskhost_test::install_test_plugin;
using taskhost_test::make_dir;
using taskhost_test::TempDir;

constexpr std::chrono::seconds kHangLimit(2);
constexpr std::chrono::seconds kPromptly(1);

// A trusted directory (0755) with a trusted folder `name` in it.
std::string make_trusted_dir(const TempDir& dir, const std::string& name) {
    ::chmod(dir.path().c_str(), 0755);
    make_dir(dir / name, 0755);
    return dir / name;
}

// PluginCatalog::scan in a child: "plugin NAME" per plugin, "refused WHERE: PROBLEM" per refusal.
ForkedCall scan_plugins_forked(const std::string& plugin_dir) {
    return call_forked(
        [&plugin_dir] {
            PluginLibrary library;
            Result<PluginCatalog> catalog = PluginCatalog::scan(plugin_dir, library);
            if (!catalog.ok()) {
                return "error " + catalog.error().text() + "\n";
            }
            std::ostringstream out;
            for (const auto& plugin : catalog.value().plugins()) {
                out << "plugin " << plugin->name() << "\n";
            }
            for (const PluginRefusal& refusal : catalog.value().refusals()) {
                out << "refused " << refusal.reason.where << ": " << refusal.reason.problem << "\n";
            }
            return out.str();
        },
        kHangLimit);
}

TEST(PluginCatalogScan, FifoInThePluginDirectoryIsRefusedAtOnceAndTheOthersLoad) {
    TempDir dir;
    const std::string plugins = make_trusted_dir(dir, "plugins");
    install_test_plugin(plugins, "echo_v1");
    ASSERT_EQ(::mkfifo((plugins + "/fifo.so").c_str(), 0644), 0);

    const ForkedCall call = scan_plugins_forked(plugins);
    ASSERT_TRUE(call.exited_cleanly()) << "the scan " << call.describe();
    EXPECT_LT(call.took, kPromptly) << call.took.count() << " ms";
    EXPECT_NE(call.output.find("plugin echo_v1\n"), std::string::npos) << call.output;
    EXPECT_NE(call.output.find("refused plugin file " + plugins +
                               "/fifo.so: is a FIFO (named pipe), not a regular file"),
              std::string::npos)
        << call.output;
}

TEST(PluginCatalogScan, SocketInThePluginDirectoryIsRefusedAndTheOthersLoad) {
    TempDir dir;
    const std::string plugins = make_trusted_dir(dir, "plugins");
    install_test_plugin(plugins, "echo_v1");
    const std::string socket_path = plugins + "/sock.so";
    sockaddr_un address{};
    ASSERT_LT(socket_path.size(), sizeof address.sun_path) << socket_path;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    ::close(fd);
    ASSERT_EQ(bound, 0) << std::strerror(errno);

    const ForkedCall call = scan_plugins_forked(plugins);
    ASSERT_TRUE(call.exited_cleanly()) << "the scan " << call.describe();
    EXPECT_NE(call.output.find("plugin echo_v1\n"), std::string::npos) << call.output;
    EXPECT_NE(call.output.find("/sock.so: is a socket, not a regular file"), std::string::npos)
        << call.output;
}

TEST(ManifestDirectory, FifoInAManifestsDirectoryIsRefusedAtOnceAndTheOthersAreRead) {
    TempDir dir;
    const std::string manifests = make_trusted_dir(dir, "manifests");
    taskhost_test::write_file(manifests + "/a.json",
                              R"({"version": 1, "tasks": [{"name": "a", "task": "test.echo"}]})");
    ASSERT_EQ(::mkfifo((manifests + "/b.json").c_str(), 0644), 0);

    const ForkedCall call = call_forked(
        [&manifests] {
            Result<std::vector<std::string>> files = expand_manifest_paths({manifests});
            if (!files.ok()) {
                return "error " + files.error().text() + "\n";
            }
            std::ostringstream out;
            for (const std::string& file : files.value()) {
                const Manifest manifest = load_manifest(file);
                out << file << ": " << manifest.tasks.size() << " tasks";
                for (const ManifestProblem& problem : manifest.problems) {
                    out << "; " << problem.error.text();
                }
                out << "\n";
            }
            return out.str();
        },
        kHangLimit);
    ASSERT_TRUE(call.exited_cleanly()) << "reading the manifests " << call.describe();
    EXPECT_LT(call.took, kPromptly) << call.took.count() << " ms";
    EXPECT_NE(call.output.find(manifests + "/a.json: 1 tasks\n"), std::string::npos) << call.output;
    EXPECT_NE(call.output.find(manifests + "/b.json: 0 tasks; manifest " + manifests +
                               "/b.json: is not a regular file"),
              std::string::npos)
        << call.output;
}

}  // namespace
}  // namespace taskhost
