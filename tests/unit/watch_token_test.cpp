// WatchTasks resume tokens: compact, round-tripping, and refused when edited
// or taken from elsewhere.
#include <gtest/gtest.h>

#include "api/status_error.hpp"
#include "api/watch_token.hpp"
#include "query/page_token.hpp"

namespace photoflow {
namespace {

using api::watch::DecodeToken;
using api::watch::EncodeToken;
using api::watch::Position;

constexpr const char* kEpoch = "2b98c2e0-f165-4bbb-bc4d-493d1e2f1167";

TEST(WatchTokenTest, RoundTripsPositionsAndStaysShort) {
  for (const Position& position :
       {Position{kEpoch, 0, std::nullopt}, Position{kEpoch, 9'007'199'254'740'993, std::nullopt},
        Position{kEpoch, 42, 0}, Position{kEpoch, 42, 2'147'483'647}}) {
    const std::string token = EncodeToken(position);
    EXPECT_LE(token.size(), 52U) << "sent with every event";
    const Position decoded = DecodeToken(token);
    EXPECT_EQ(decoded.epoch, position.epoch);
    EXPECT_EQ(decoded.seq, position.seq);
    EXPECT_EQ(decoded.initial_after_id, position.initial_after_id);
  }
}

TEST(WatchTokenTest, EditedOrForeignTokensAreInvalidArguments) {
  std::string token = EncodeToken({kEpoch, 7, std::nullopt});
  token[10] = token[10] == 'A' ? 'B' : 'A';
  EXPECT_THROW(DecodeToken(token), api::StatusError);
  EXPECT_THROW(DecodeToken(""), api::StatusError);
  EXPECT_THROW(DecodeToken("not a token"), api::StatusError);
  EXPECT_THROW(DecodeToken(query::EncodePageToken("tasks", {"7"})), api::StatusError)
      << "a page token is not a resume token";
  EXPECT_THROW(DecodeToken(query::SealToken("elsewhere", std::string(30, '\1'))), api::StatusError);
  try {
    DecodeToken("AAAA");
  } catch (const api::StatusError& error) {
    EXPECT_EQ(error.status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(error.status().error_message(), "resume_token: is not a WatchTasks resume token");
  }
}

}  // namespace
}  // namespace photoflow
