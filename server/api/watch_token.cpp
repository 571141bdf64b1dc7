#include "api/watch_token.hpp"

#include <charconv>

#include "api/status_error.hpp"
#include "query/page_token.hpp"

namespace photoflow::api::watch {
namespace {

// Binds tokens to WatchTasks: a ListTasks page token is not a resume token.
constexpr std::string_view kScope = "watch_tasks";

template <typename Integer>
bool ParseInteger(const std::string& text, Integer* value) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *value);
  return error == std::errc() && stop == end && !text.empty();
}

}  // namespace

std::string EncodeToken(const Position& position) {
  return query::EncodePageToken(
      kScope, {position.epoch, std::to_string(position.seq),
               position.initial_after_id ? std::to_string(*position.initial_after_id) : ""});
}

Position DecodeToken(const std::string& token) {
  std::vector<std::string> parts;
  try {
    parts = query::DecodePageToken(token, kScope);
  } catch (const query::InvalidPageToken& error) {
    ThrowInvalidArgument("resume_token", "is not a WatchTasks resume token");
  }
  Position position;
  bool valid = parts.size() == 3 && parts[0].size() == 36 &&
               ParseInteger(parts[1], &position.seq) && position.seq >= 0;
  if (valid && !parts[2].empty()) {
    int32_t after_id = 0;
    valid = ParseInteger(parts[2], &after_id) && after_id >= 0;
    position.initial_after_id = after_id;
  }
  if (!valid) ThrowInvalidArgument("resume_token", "is not a WatchTasks resume token");
  position.epoch = parts[0];
  return position;
}

}  // namespace photoflow::api::watch
