#include "api/watch_token.hpp"

#include "api/status_error.hpp"
#include "query/page_token.hpp"

namespace photoflow::api::watch {
namespace {

// Binds tokens to WatchTasks: a ListTasks page token is not a resume token.
constexpr std::string_view kScope = "watch_tasks";
constexpr char kVersion = 1;
// version, epoch (16 bytes), seq (8), has initial_after_id (1), initial_after_id (4)
constexpr size_t kPayloadBytes = 1 + 16 + 8 + 1 + 4;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadBigEndian(std::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

[[noreturn]] void NotAToken() {
  ThrowInvalidArgument("resume_token", "is not a WatchTasks resume token");
}

}  // namespace

// Every event carries a token, so it is binary inside: 38 bytes, 51 characters.
std::string EncodeToken(const Position& position) {
  std::string payload;
  payload.reserve(kPayloadBytes);
  payload.push_back(kVersion);
  for (size_t i = 0; i + 1 < position.epoch.size(); ++i) {
    const int high = HexDigit(position.epoch[i]);
    const int low = HexDigit(position.epoch[i + 1]);
    if (high < 0 || low < 0) continue;  // the UUID's dashes
    payload.push_back(static_cast<char>(high * 16 + low));
    ++i;
  }
  AppendBigEndian(payload, static_cast<uint64_t>(position.seq), 8);
  payload.push_back(position.initial_after_id ? 1 : 0);
  AppendBigEndian(payload, static_cast<uint32_t>(position.initial_after_id.value_or(0)), 4);
  return query::SealToken(kScope, payload);
}

Position DecodeToken(const std::string& token) {
  std::string payload;
  try {
    payload = query::UnsealToken(token, kScope);
  } catch (const query::InvalidPageToken&) {
    NotAToken();
  }
  if (payload.size() != kPayloadBytes || payload[0] != kVersion) NotAToken();
  Position position;
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) position.epoch.push_back('-');
    const auto byte = static_cast<uint8_t>(payload[1 + i]);
    position.epoch.push_back(kHex[byte >> 4]);
    position.epoch.push_back(kHex[byte & 0xF]);
  }
  const uint64_t seq = ReadBigEndian(std::string_view(payload).substr(17), 8);
  const auto after_id =
      static_cast<int64_t>(ReadBigEndian(std::string_view(payload).substr(26), 4));
  if (seq > static_cast<uint64_t>(INT64_MAX) || payload[25] > 1 || after_id > INT32_MAX) {
    NotAToken();
  }
  position.seq = static_cast<int64_t>(seq);
  if (payload[25] == 1) position.initial_after_id = static_cast<int32_t>(after_id);
  return position;
}

}  // namespace photoflow::api::watch
