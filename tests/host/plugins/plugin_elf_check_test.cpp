// A plugin file that is not a complete ELF shared object for this machine is refused before
// dlopen, with a reason, and the process lives (issue 9, High 1): dlopen of a cut copy maps
// pages past the end of the file, and the first touch of one is a SIGBUS. Every load runs in a
// forked child, so without the check the test fails instead of the test binary dying.
#include <elf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <link.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <functional>
#include <sstream>

#include "forked_call.h"
#include "host_test_support.h"
#include "plugins/elf_check.h"
#include "plugins/plugin_library.h"

namespace taskhost {
namespace {

using taskhost_test::call_forked;
using taskhost_test::ForkedCall;
using taskhost_test::make_dir;
using taskhost_test::TempDir;
using taskhost_test::test_plugin_path;

using Ehdr = ElfW(Ehdr);
using Phdr = ElfW(Phdr);

std::string good_plugin() {
    return taskhost_test::read_file(test_plugin_path("echo_v1"));
}

template <class Field>
std::string patched(std::string bytes, size_t offset, Field value) {
    std::memcpy(&bytes[offset], &value, sizeof value);
    return bytes;
}

Ehdr header_of(const std::string& bytes) {
    Ehdr header{};
    std::memcpy(&header, bytes.data(), sizeof header);
    return header;
}

// The good plugin with its PT_DYNAMIC program header turned into PT_NULL.
std::string without_dynamic(std::string bytes) {
    const Ehdr header = header_of(bytes);
    for (size_t i = 0; i < header.e_phnum; ++i) {
        const size_t at = header.e_phoff + i * sizeof(Phdr) + offsetof(Phdr, p_type);
        uint32_t type = 0;
        std::memcpy(&type, &bytes[at], sizeof type);
        if (type == PT_DYNAMIC) {
            bytes = patched(bytes, at, uint32_t{PT_NULL});
        }
    }
    return bytes;
}

struct BrokenPlugin {
    std::string name;
    std::function<std::string(const std::string& good)> make;
    std::string expected;  // in the refusal's problem
};

std::ostream& operator<<(std::ostream& out, const BrokenPlugin& c) {
    return out << c.name;
}

BrokenPlugin cut(const std::string& name, std::function<size_t(size_t)> size,
                 const std::string& expected = "truncated") {
    return BrokenPlugin{
        name, [size](const std::string& good) { return good.substr(0, size(good.size())); },
        expected};
}

BrokenPlugin cut_at(size_t size, const std::string& expected = "truncated") {
    return cut(
        "CutAt" + std::to_string(size), [size](size_t) { return size; }, expected);
}

std::vector<BrokenPlugin> broken_plugins() {
    const uint16_t other_machine =
        header_of(good_plugin()).e_machine == EM_X86_64 ? EM_AARCH64 : EM_X86_64;
    return {
        cut_at(0, "is empty"),
        cut_at(16),
        cut_at(63),
        cut_at(64),
        cut_at(1000),
        cut_at(4096),
        cut_at(12000),
        cut("CutInHalf", [](size_t size) { return size / 2; }),
        cut("CutOneByteShort", [](size_t size) { return size - 1; }),
        {"NotElf", [](const std::string&) { return std::string("#!/bin/sh\necho no plugin\n"); },
         "is not an ELF file"},
        {"ThirtyTwoBit",
         [](const std::string& good) {
             return patched(good, EI_CLASS, static_cast<unsigned char>(ELFCLASS32));
         },
         "is a 32-bit ELF file"},
        {"BigEndian",
         [](const std::string& good) {
             return patched(good, EI_DATA, static_cast<unsigned char>(ELFDATA2MSB));
         },
         "is a big-endian ELF file"},
        {"OtherMachine",
         [other_machine](const std::string& good) {
             return patched(good, offsetof(Ehdr, e_machine), other_machine);
         },
         "is built for "},
        {"Executable",
         [](const std::string& good) {
             return patched(good, offsetof(Ehdr, e_type), uint16_t{ET_EXEC});
         },
         "is an executable (ET_EXEC)"},
        {"ProgramHeadersPastTheEnd",
         [](const std::string& good) {
             return patched(good, offsetof(Ehdr, e_phoff), decltype(Ehdr::e_phoff){good.size()});
         },
         "program header table ends at byte"},
        {"SectionHeadersPastTheEnd",
         [](const std::string& good) {
             return patched(good, offsetof(Ehdr, e_shoff),
                            decltype(Ehdr::e_shoff){good.size() - 8});
         },
         "section header table ends at byte"},
        {"NoDynamicSection", [](const std::string& good) { return without_dynamic(good); },
         "has no dynamic section (PT_DYNAMIC)"},
    };
}

// PluginLibrary::load of `file` in a forked child: "loaded", or "refused" and the error's where,
// problem and fix, one a line.
ForkedCall load_forked(const std::string& file) {
    return call_forked(
        [&file] {
            PluginLibrary library;
            Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
            if (loaded.ok()) {
                return std::string("loaded");
            }
            const HostError& e = loaded.error();
            return "refused\n" + e.where + "\n" + e.problem + "\n" + e.fix;
        },
        std::chrono::seconds(20));
}

// A trusted directory (0755) with a trusted plugins/ folder in it.
std::string make_plugin_dir(const TempDir& dir) {
    ::chmod(dir.path().c_str(), 0755);
    make_dir(dir / "plugins", 0755);
    return dir / "plugins";
}

class BrokenPluginFile : public ::testing::TestWithParam<BrokenPlugin> {
  protected:
    TempDir dir_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

TEST_P(BrokenPluginFile, IsRefusedBeforeDlopenWithAReasonAndTheProcessLives) {
    const std::string good = good_plugin();
    ASSERT_GT(good.size(), 12001u) << "the test plugin is smaller than the cuts";
    const std::string file = make_plugin_dir(dir_) + "/broken.so";
    taskhost_test::write_file(file, GetParam().make(good), 0755);

    const ForkedCall call = load_forked(file);
    ASSERT_TRUE(call.exited_cleanly()) << "loading the file " << call.describe();
    const std::vector<std::string> lines = lines_of(call.output);
    ASSERT_EQ(lines.size(), 4u) << call.output;
    EXPECT_EQ(lines[0], "refused");
    EXPECT_EQ(lines[1], "plugin file " + file);
    EXPECT_NE(lines[2].find(GetParam().expected), std::string::npos) << lines[2];
    EXPECT_FALSE(lines[3].empty());
}

INSTANTIATE_TEST_SUITE_P(PluginLoader, BrokenPluginFile, ::testing::ValuesIn(broken_plugins()),
                         [](const ::testing::TestParamInfo<BrokenPlugin>& info) {
                             return info.param.name;
                         });

TEST(PluginFileCheck, TheIntactPluginStillLoads) {
    TempDir dir;
    const std::string file = make_plugin_dir(dir) + "/echo.so";
    taskhost_test::write_file(file, good_plugin(), 0755);
    const ForkedCall call = load_forked(file);
    ASSERT_TRUE(call.exited_cleanly()) << "loading the file " << call.describe();
    EXPECT_EQ(call.output, "loaded");
}

TEST(ElfCheck, AcceptsTheBuiltPluginByDescriptorAndByBytes) {
    const std::string good = good_plugin();
    const int fd = ::open(test_plugin_path("echo_v1").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const std::optional<ElfRefusal> by_fd = check_elf_shared_object(fd);
    ::close(fd);
    EXPECT_FALSE(by_fd.has_value()) << by_fd->problem;
    const std::optional<ElfRefusal> by_bytes = check_elf_shared_object(good.data(), good.size());
    EXPECT_FALSE(by_bytes.has_value()) << by_bytes->problem;
}

// Every cut of the file is refused, and the descriptor and byte checks agree on why.
TEST(ElfCheck, RefusesEveryCutTheSameWayByDescriptorAndByBytes) {
    const std::string good = good_plugin();
    TempDir dir;
    const std::string file = dir / "cut.so";
    for (size_t size = 0; size < good.size(); size += size < 256 ? 1 : 61) {
        taskhost_test::write_file(file, good.substr(0, size));
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0);
        const std::optional<ElfRefusal> by_fd = check_elf_shared_object(fd);
        ::close(fd);
        const std::optional<ElfRefusal> by_bytes = check_elf_shared_object(good.data(), size);
        ASSERT_TRUE(by_fd.has_value()) << "a cut at " << size << " bytes passed";
        ASSERT_TRUE(by_bytes.has_value()) << "a cut at " << size << " bytes passed";
        EXPECT_EQ(by_fd->problem, by_bytes->problem) << size;
    }
}

}  // namespace
}  // namespace taskhost
