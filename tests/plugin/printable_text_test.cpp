// Sanitising outside text for logs and outcomes.
#include <gtest/gtest.h>

#include "printable_text.h"

namespace {

using namespace digicert_dcv;

TEST(PrintableText, KeepsValidUtf8AndReplacesControlAndBrokenBytes) {
    EXPECT_EQ(printable_excerpt("h\xc3\xa9llo", 10), "h\xc3\xa9llo");
    EXPECT_EQ(printable_excerpt("a\tb\nc\x7f", 10), "a?b?c?");
    EXPECT_EQ(printable_excerpt("\xff\xc3", 10), "??");
    EXPECT_EQ(printable_excerpt("\xed\xa0\x80", 10), "???") << "a surrogate is not valid UTF-8";
    EXPECT_EQ(printable_excerpt("\xc0\xaf", 10), "??") << "an overlong form is not valid UTF-8";
}

TEST(PrintableText, CutsAtMaxCharsAndMarksTheCut) {
    EXPECT_EQ(printable_excerpt("abcdef", 3), "abc...");
    EXPECT_EQ(printable_excerpt("abc", 3), "abc");
    EXPECT_EQ(quoted_excerpt("abcdef", 2), "'ab...'");
}

TEST(PrintableText, RedactsEveryOccurrence) {
    EXPECT_EQ(redact("k=S, again S", "S"), "k=[redacted], again [redacted]");
    EXPECT_EQ(redact("nothing", ""), "nothing");
}

}  // namespace
