#include "api/validation.hpp"

#include <cstdint>

#include "api/status_error.hpp"
#include "model/quoting.hpp"

namespace photoflow::api {
namespace {

constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// Only spaces: ASCII whitespace, no-break and ideographic spaces.
bool IsBlank(std::string_view text) {
  while (!text.empty()) {
    if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
        text.front() == '\r') {
      text.remove_prefix(1);
    } else if (text.substr(0, 2) == "\xC2\xA0") {  // U+00A0
      text.remove_prefix(2);
    } else if (text.substr(0, 3) == "\xE3\x80\x80") {  // U+3000
      text.remove_prefix(3);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void CheckText(std::string_view field, std::string_view value, Presence presence, size_t max_chars,
               Lines lines) {
  if (value.empty()) {
    if (presence == Presence::kRequired) ThrowInvalidArgument(field, "is required");
    return;
  }
  const size_t chars = model::Utf8Length(value);
  if (chars == SIZE_MAX) ThrowInvalidArgument(field, "must be valid UTF-8");
  if (value.find('\0') != std::string_view::npos) {
    ThrowInvalidArgument(field, "must not contain NUL characters");
  }
  for (const char c : value) {
    const auto byte = static_cast<uint8_t>(c);
    const bool line_break_or_tab = c == '\n' || c == '\r' || c == '\t';
    if ((byte < 0x20 || byte == 0x7F) && !(lines == Lines::kMany && line_break_or_tab)) {
      ThrowInvalidArgument(field, lines == Lines::kMany
                                      ? "must not contain control characters other than tabs and "
                                        "line breaks"
                                      : "must be one line without control characters");
    }
  }
  if (presence == Presence::kRequired && IsBlank(value)) {
    ThrowInvalidArgument(field, "must not be blank");
  }
  if (chars > max_chars) {
    ThrowInvalidArgument(field, "must be at most " + std::to_string(max_chars) +
                                    " characters, got " + std::to_string(chars));
  }
}

void CheckId(std::string_view field, int64_t id) {
  if (id <= 0) ThrowInvalidArgument(field, "must be a positive id, got " + std::to_string(id));
}

void CheckTimestamp(std::string_view field, bool present,
                    const google::protobuf::Timestamp& timestamp) {
  if (!present) ThrowInvalidArgument(field, "is required");
  if (timestamp.seconds() < kMinTimestampSeconds || timestamp.seconds() > kMaxTimestampSeconds ||
      timestamp.nanos() < 0 || timestamp.nanos() > 999'999'999) {
    ThrowInvalidArgument(field, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
  }
}

}  // namespace photoflow::api
