#include "query/page_token.hpp"

#include <gtest/gtest.h>

namespace photoflow::query {
namespace {

TEST(PageTokenTest, RoundTripsTheLastKey) {
  const std::string token = EncodePageToken("tasks|order=id", {"42", "2026-03-15"});
  EXPECT_EQ(DecodePageToken(token, "tasks|order=id"),
            (std::vector<std::string>{"42", "2026-03-15"}));
}

TEST(PageTokenTest, TokenIsUrlSafe) {
  const std::string token = EncodePageToken("scope", {std::string(100, '\xff')});
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(PageTokenTest, TokenFromAnotherQueryIsRejected) {
  const std::string token = EncodePageToken("tasks|filter=a", {"42"});
  EXPECT_THROW(DecodePageToken(token, "tasks|filter=b"), InvalidPageToken);
}

TEST(PageTokenTest, EveryAlteredCharacterIsDetected) {
  const std::string token = EncodePageToken("scope", {"12345"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_THROW(DecodePageToken(altered, "scope"), InvalidPageToken) << "position " << i;
  }
}

TEST(PageTokenTest, GarbageIsRejected) {
  for (const std::string& bad :
       std::vector<std::string>{"x", "!!!!", "AAAA", "not a token", std::string(3, '\0')}) {
    EXPECT_THROW(DecodePageToken(bad, "scope"), InvalidPageToken) << bad;
  }
  const std::string token = EncodePageToken("scope", {"1"});
  EXPECT_THROW(DecodePageToken(token.substr(0, token.size() - 1), "scope"), InvalidPageToken);
  EXPECT_THROW(DecodePageToken(token + "A", "scope"), InvalidPageToken);
}

TEST(PageSizeTest, FollowsTheContract) {
  EXPECT_EQ(EffectivePageSize(0), 50);
  EXPECT_EQ(EffectivePageSize(1), 1);
  EXPECT_EQ(EffectivePageSize(1000), 1000);
  EXPECT_EQ(EffectivePageSize(1001), 1000);
  EXPECT_THROW(EffectivePageSize(-1), std::invalid_argument);
}

}  // namespace
}  // namespace photoflow::query
