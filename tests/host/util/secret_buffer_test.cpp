// SecretBuffer (issue 9, Low): the host's memory for keys and the specs that carry them is left
// out of core dumps (MADV_DONTDUMP: "dd" in /proc/self/smaps), never grows, and goes away
// (wiped and unmapped) with the buffer.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "util/secret_buffer.h"

namespace taskhost {
namespace {

// The VmFlags of the mapping holding `address`, or "" when no mapping holds it.
std::string vm_flags_at(const void* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t start = 0;
        std::uintptr_t end = 0;
        char dash = 0;
        std::istringstream head(line);
        if (head >> std::hex >> start >> dash >> end && dash == '-') {
            inside = start <= at && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line + " ";
        }
    }
    return "";
}

TEST(SecretBuffer, ItsPagesAreLeftOutOfCoreDumps) {
    SecretBuffer buffer(64);
    buffer.append("secret");
    EXPECT_TRUE(buffer.excluded_from_dumps());
    EXPECT_NE(vm_flags_at(buffer.c_str()).find(" dd "), std::string::npos)
        << vm_flags_at(buffer.c_str());
}

TEST(SecretBuffer, FillsOnceAndNeverGrows) {
    SecretBuffer buffer(6);
    buffer.append("abc").append('d').append("ef");
    EXPECT_EQ(buffer.view(), "abcdef");
    EXPECT_STREQ(buffer.c_str(), "abcdef");
    EXPECT_THROW(buffer.append('g'), std::length_error);
    EXPECT_EQ(buffer.view(), "abcdef");
}

TEST(SecretBuffer, MovesItsPagesAndUnmapsThemWhenItGoes) {
    const void* pages = nullptr;
    {
        SecretBuffer first("key");
        pages = first.c_str();
        SecretBuffer second = std::move(first);
        EXPECT_EQ(second.c_str(), pages);
        EXPECT_EQ(second.view(), "key");
        EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
        EXPECT_STREQ(first.c_str(), "");
    }
    EXPECT_EQ(vm_flags_at(pages), "") << "the pages are still mapped";
}

TEST(SecretBuffer, AnEmptyOneMapsNothing) {
    const SecretBuffer empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_STREQ(empty.c_str(), "");
    EXPECT_FALSE(empty.excluded_from_dumps());
}

TEST(SecretBuffer, ClearWipesItsPagesAndKeepsThemForTheNextFill) {
    SecretBuffer buffer(64);
    buffer.append("secret");
    const char* pages = buffer.c_str();
    buffer.clear();
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.capacity(), 64u);
    EXPECT_EQ(std::string(pages, 6), std::string(6, '\0'));  // wiped in place
    EXPECT_NE(vm_flags_at(pages).find(" dd "), std::string::npos) << "still mapped, still dd";
    buffer.append("again");
    EXPECT_EQ(buffer.c_str(), pages);
    EXPECT_EQ(buffer.view(), "again");
}

}  // namespace
}  // namespace taskhost
