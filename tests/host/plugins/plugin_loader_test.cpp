// PluginLibrary and PluginCatalog: real dlopen of the test plugins, each refusal with its
// exact reason, trust checks, and the private copy that makes reinstalling a plugin safe.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "host_test_support.h"
#include "plugins/plugin_catalog.h"
#include "plugins/plugin_library.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

using taskhost_test::install_test_plugin;
using taskhost_test::make_dir;
using taskhost_test::TempDir;
using taskhost_test::test_plugin_path;

class PluginLoader : public ::testing::Test {
  protected:
    PluginLoader() {
        ::chmod(dir_.path().c_str(), 0755);
        make_dir(plugins(), 0755);
    }
    std::string plugins() const { return dir_ / "plugins"; }

    HostError refusal_of(const std::string& plugin) {
        install_test_plugin(plugins(), plugin);
        Result<std::shared_ptr<const PluginGeneration>> loaded =
            library_.load(plugins() + "/" + plugin + ".so");
        EXPECT_FALSE(loaded.ok()) << plugin << " was loaded";
        return loaded.ok() ? HostError{} : loaded.error();
    }

    TempDir dir_;
    PluginLibrary library_;
};

TEST_F(PluginLoader, LoadsAWellFormedPluginWithItsDescribeAndHash) {
    install_test_plugin(plugins(), "echo_v1");
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library_.load(plugins() + "/echo_v1.so");
    ASSERT_TRUE(loaded.ok()) << loaded.error().text();
    const PluginGeneration& plugin = *loaded.value();
    EXPECT_EQ(plugin.name(), "echo_v1");
    EXPECT_EQ(plugin.description().version, "1.0.0");
    EXPECT_EQ(plugin.description().abi_major, 1u);
    ASSERT_EQ(plugin.description().tasks.size(), 1u);
    EXPECT_EQ(plugin.description().tasks[0].name, "test.echo");
    EXPECT_TRUE(plugin.description().tasks[0].supports_dry_run);
    EXPECT_EQ(plugin.sha256().size(), 64u);
    EXPECT_NE(loaded.value()->sha256(), std::string(64, '0'));
}

TEST_F(PluginLoader, RefusesAnotherAbiNamingBothVersions) {
    const HostError e = refusal_of("abi_v2");
    EXPECT_NE(e.problem.find("plugin reports ABI 2, this taskhost speaks ABI 1"), std::string::npos)
        << e.text();
    EXPECT_NE(e.where.find("abi_v2.so"), std::string::npos);
}

TEST_F(PluginLoader, RefusesAMissingSymbolNamingItAndDlerror) {
    const HostError e = refusal_of("missing_execute");
    EXPECT_NE(e.problem.find("does not export plugin_execute"), std::string::npos) << e.text();
    EXPECT_NE(e.problem.find("undefined symbol"), std::string::npos)
        << "dlerror() text: " << e.text();
}

TEST_F(PluginLoader, RefusesADescribeThatIsNotJson) {
    const HostError e = refusal_of("bad_describe");
    EXPECT_NE(e.problem.find("describe is not usable"), std::string::npos) << e.text();
    EXPECT_NE(e.problem.find("not valid JSON"), std::string::npos) << e.text();
}

TEST_F(PluginLoader, RefusesAWorldWritablePluginFile) {
    install_test_plugin(plugins(), "echo_v1");
    ::chmod((plugins() + "/echo_v1.so").c_str(), 0757);
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library_.load(plugins() + "/echo_v1.so");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().problem.find("writable by others (mode 0757)"), std::string::npos)
        << loaded.error().text();
    EXPECT_EQ(loaded.error().fix, "chmod go-w " + plugins() + "/echo_v1.so");
}

TEST_F(PluginLoader, RefusesAGroupWritablePluginDirectory) {
    install_test_plugin(plugins(), "echo_v1");
    ::chmod(plugins().c_str(), 0775);
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library_.load(plugins() + "/echo_v1.so");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().where.find("plugin directory"), std::string::npos)
        << loaded.error().text();
    EXPECT_NE(loaded.error().problem.find("writable by its group"), std::string::npos);
}

TEST_F(PluginLoader, RefusesAPluginOwnedBySomeoneElse) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to give the file away";
    }
    install_test_plugin(plugins(), "echo_v1");
    ASSERT_EQ(::chown((plugins() + "/echo_v1.so").c_str(), 65534, 65534), 0);
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library_.load(plugins() + "/echo_v1.so");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().problem.find("owned by uid 65534"), std::string::npos);
}

// dlopen of a path already loaded returns the cached old handle; the private copy makes a
// reinstall (temp file + rename over the old one) load the new code.
TEST_F(PluginLoader, ReinstalledFileAtTheSamePathLoadsTheNewPlugin) {
    install_test_plugin(plugins(), "echo_v1", "echo.so");
    Result<std::shared_ptr<const PluginGeneration>> first = library_.load(plugins() + "/echo.so");
    ASSERT_TRUE(first.ok()) << first.error().text();
    EXPECT_EQ(first.value()->description().version, "1.0.0");

    install_test_plugin(plugins(), "echo_v2", ".echo.so.tmp");
    ASSERT_EQ(std::rename((plugins() + "/.echo.so.tmp").c_str(), (plugins() + "/echo.so").c_str()),
              0);
    Result<std::shared_ptr<const PluginGeneration>> second = library_.load(plugins() + "/echo.so");
    ASSERT_TRUE(second.ok()) << second.error().text();
    EXPECT_EQ(second.value()->description().version, "2.0.0");
    EXPECT_NE(first.value()->sha256(), second.value()->sha256());
    // The first generation is still loaded and still answers with its own describe.
    EXPECT_EQ(first.value()->description().version, "1.0.0");
}

// A load against the generation in use: the same bytes answer that generation; other bytes,
// small (kept in memory from the one read that hashed them) or over 32 MiB (read again to copy),
// load as a new generation whose sha256 is the file's.
TEST_F(PluginLoader, AgainstTheCurrentGenerationSameBytesAreKeptAndChangedOnesLoadWithTheirHash) {
    install_test_plugin(plugins(), "echo_v1", "echo.so");
    const std::string path = plugins() + "/echo.so";
    Result<std::shared_ptr<const PluginGeneration>> first = library_.load(path);
    ASSERT_TRUE(first.ok()) << first.error().text();
    Result<std::shared_ptr<const PluginGeneration>> same = library_.load(path, first.value());
    ASSERT_TRUE(same.ok()) << same.error().text();
    EXPECT_EQ(same.value(), first.value());

    std::shared_ptr<const PluginGeneration> current = first.value();
    for (const size_t padding : {size_t(16), size_t(33) << 20}) {
        install_test_plugin(plugins(), "echo_v2", ".echo.so.tmp");
        {
            std::ofstream pad(plugins() + "/.echo.so.tmp", std::ios::app | std::ios::binary);
            pad << std::string(padding, 'p');  // after the ELF's last segment: never mapped
        }
        ASSERT_EQ(std::rename((plugins() + "/.echo.so.tmp").c_str(), path.c_str()), 0);
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        Result<std::shared_ptr<const PluginGeneration>> changed = library_.load(path, current);
        ASSERT_TRUE(changed.ok()) << padding << ": " << changed.error().text();
        EXPECT_NE(changed.value(), current) << padding;
        EXPECT_EQ(changed.value()->description().version, "2.0.0") << padding;
        EXPECT_EQ(changed.value()->sha256(), sha256_hex(bytes)) << padding;
        current = changed.value();
    }
}

TEST_F(PluginLoader, PrivateCopyIsRemovedOnceOpenedAndDirectoryIsPrivate) {
    install_test_plugin(plugins(), "echo_v1");
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library_.load(plugins() + "/echo_v1.so");
    ASSERT_TRUE(loaded.ok());
    struct stat st {};
    ASSERT_EQ(::stat(library_.private_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    EXPECT_TRUE(std::filesystem::is_empty(library_.private_dir()));
}

// The mapping of a loaded copy shows in /proc/self/maps under the private directory (as
// deleted); it must stay while a holder exists and go with the last one (dlclose).
size_t mappings_under(const std::string& dir) {
    const std::string maps = taskhost_test::read_file("/proc/self/maps");
    size_t count = 0;
    for (size_t at = maps.find(dir + "/"); at != std::string::npos;
         at = maps.find(dir + "/", at + 1)) {
        ++count;
    }
    return count;
}

TEST_F(PluginLoader, GenerationStaysMappedWhileHeldAndIsClosedWithTheLastHolder) {
    install_test_plugin(plugins(), "echo_v1", "held.so");
    Result<std::shared_ptr<const PluginGeneration>> loaded = library_.load(plugins() + "/held.so");
    ASSERT_TRUE(loaded.ok());
    std::shared_ptr<const PluginGeneration> task_holder = loaded.value();
    loaded = HostError{};
    EXPECT_GT(mappings_under(library_.private_dir()), 0u);
    task_holder.reset();
    EXPECT_EQ(mappings_under(library_.private_dir()), 0u);
}

// A one-shot command's library (cli/command_startup.cpp) never unloads: the process ends with
// _exit, skipping the finalizers a dlclose would run.
TEST_F(PluginLoader, ALibraryThatKeepsPluginsMappedNeverClosesAGeneration) {
    install_test_plugin(plugins(), "echo_v1", "kept.so");
    library_.keep_plugins_mapped_until_exit();
    Result<std::shared_ptr<const PluginGeneration>> loaded = library_.load(plugins() + "/kept.so");
    ASSERT_TRUE(loaded.ok()) << loaded.error().text();
    loaded = HostError{};  // the last holder
    EXPECT_GT(mappings_under(library_.private_dir()), 0u);
}

TEST(PluginCatalogScan, RefusedPluginsDoNotStopTheOthers) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    for (const char* name : {"abi_v2", "bad_describe", "echo_v1", "missing_execute"}) {
        install_test_plugin(dir.path(), name);
    }
    taskhost_test::write_file(dir / "README.txt", "not a plugin");
    PluginLibrary library;
    Result<PluginCatalog> catalog = PluginCatalog::scan(dir.path(), library);
    ASSERT_TRUE(catalog.ok()) << catalog.error().text();
    ASSERT_EQ(catalog.value().plugins().size(), 1u);
    EXPECT_EQ(catalog.value().plugins()[0]->name(), "echo_v1");
    ASSERT_EQ(catalog.value().refusals().size(), 3u);
    EXPECT_TRUE(catalog.value().find_task("test.echo").has_value());
    EXPECT_FALSE(catalog.value().find_task("test.absent").has_value());
}

TEST(PluginCatalogScan, SecondPluginOfferingTheSameTaskIsRefusedNamingBoth) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    install_test_plugin(dir.path(), "echo_v1", "a_echo.so");
    install_test_plugin(dir.path(), "dup_task", "b_dup.so");
    PluginLibrary library;
    Result<PluginCatalog> catalog = PluginCatalog::scan(dir.path(), library);
    ASSERT_TRUE(catalog.ok());
    ASSERT_EQ(catalog.value().plugins().size(), 1u);
    ASSERT_EQ(catalog.value().refusals().size(), 1u);
    const HostError& e = catalog.value().refusals()[0].reason;
    EXPECT_NE(e.problem.find("plugin dup_task offers task test.echo, which plugin echo_v1"),
              std::string::npos)
        << e.text();
    EXPECT_NE(e.where.find("b_dup.so"), std::string::npos);
}

TEST(PluginCatalogScan, UntrustedOrMissingDirectoryIsAnError) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0777);
    PluginLibrary library;
    Result<PluginCatalog> open = PluginCatalog::scan(dir.path(), library);
    ASSERT_FALSE(open.ok());
    EXPECT_NE(open.error().problem.find("writable by others (mode 0777)"), std::string::npos);
    Result<PluginCatalog> missing = PluginCatalog::scan(dir / "absent", library);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().problem.find("No such file"), std::string::npos);
}

TEST(PluginCatalogScan, SkipsHiddenStagingFiles) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    install_test_plugin(dir.path(), "abi_v2", ".staging.so");
    PluginLibrary library;
    Result<PluginCatalog> catalog = PluginCatalog::scan(dir.path(), library);
    ASSERT_TRUE(catalog.ok());
    EXPECT_TRUE(catalog.value().plugins().empty());
    EXPECT_TRUE(catalog.value().refusals().empty());
}

}  // namespace
}  // namespace taskhost
