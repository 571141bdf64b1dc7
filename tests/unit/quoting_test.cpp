// Client input quoted in error messages: bounded, one line, valid UTF-8.
#include "model/quoting.hpp"

#include <gtest/gtest.h>

namespace photoflow::model {
namespace {

TEST(QuotingTest, Utf8LengthCountsCharactersAndRejectsBadBytes) {
  EXPECT_EQ(Utf8Length(""), 0U);
  EXPECT_EQ(Utf8Length("abc"), 3U);
  EXPECT_EQ(Utf8Length("Grüße"), 5U);
  EXPECT_EQ(Utf8Length("📷x"), 2U);
  EXPECT_EQ(Utf8Length("\xff"), SIZE_MAX);
  EXPECT_EQ(Utf8Length("\xc3"), SIZE_MAX);          // truncated sequence
  EXPECT_EQ(Utf8Length("\xc0\xaf"), SIZE_MAX);      // overlong "/"
  EXPECT_EQ(Utf8Length("\xed\xa0\x80"), SIZE_MAX);  // surrogate
}

TEST(QuotingTest, ShortInputIsQuotedWhole) {
  EXPECT_EQ(QuoteInput("colour"), "'colour'");
  EXPECT_EQ(QuoteInput(""), "''");
  EXPECT_EQ(QuoteInput("Grüße"), "'Grüße'");
}

TEST(QuotingTest, LongInputIsCutWithItsLength) {
  const std::string quoted = QuoteInput(std::string(5000, 'x'));
  EXPECT_EQ(quoted, "'" + std::string(kMaxQuotedChars, 'x') + "'… (5000 bytes)");
  // Characters, not bytes: a multi-byte character is never split.
  std::string wide;
  for (int i = 0; i < 100; ++i) wide += "写";
  EXPECT_EQ(QuoteInput(wide).substr(0, 1 + 3 * kMaxQuotedChars + 1),
            "'" + wide.substr(0, 3 * kMaxQuotedChars) + "'");
}

TEST(QuotingTest, ControlCharactersAndBadBytesAreEscaped) {
  EXPECT_EQ(QuoteInput("a\nb\x1b[2J"), "'a\\x0ab\\x1b[2J'");
  EXPECT_EQ(QuoteInput("\xff\xc3("), "'\\xff\\xc3('");         // not UTF-8
  EXPECT_EQ(QuoteInput("\xed\xa0\x80"), "'\\xed\\xa0\\x80'");  // a surrogate
}

TEST(QuotingTest, CountCharsCountsCharactersNotBytes) {
  EXPECT_EQ(CountChars("abc"), 3U);
  EXPECT_EQ(CountChars("写真"), 2U);
  EXPECT_EQ(CountChars(""), 0U);
}

}  // namespace
}  // namespace photoflow::model
