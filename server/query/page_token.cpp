#include "query/page_token.hpp"

#include <array>
#include <cstdint>

namespace photoflow::query {
namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kChecksumBytes = 8;
constexpr size_t kMaxKeyParts = 16;

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// FNV-1a, 64 bit. Not a MAC: tokens only carry positions the client could read
// anyway, so the checksum exists to catch corruption and edits, not forgery.
uint64_t Fnv1a(std::string_view data, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : data) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void AppendU64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t ReadU64(std::string_view in) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : data) {
    buffer = (buffer << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64UrlAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kBase64UrlAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::string Base64UrlDecode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const size_t value = kBase64UrlAlphabet.find(c);
    if (value == std::string_view::npos) throw InvalidPageToken("page_token is not a valid token");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Unused trailing bits must be zero, so each token has exactly one spelling.
  if (bits >= 6 || (buffer & ((1U << bits) - 1)) != 0) {
    throw InvalidPageToken("page_token is not a valid token");
  }
  return out;
}

}  // namespace

std::string EncodePageToken(std::string_view scope, const std::vector<std::string>& last_key) {
  std::string payload;
  payload.push_back(static_cast<char>(kTokenVersion));
  AppendU64(payload, Fnv1a(scope));
  payload.push_back(static_cast<char>(last_key.size()));
  for (const std::string& part : last_key) {
    AppendU64(payload, part.size());
    payload += part;
  }
  AppendU64(payload, Fnv1a(payload));
  return Base64UrlEncode(payload);
}

std::string SealToken(std::string_view scope, std::string_view payload) {
  std::string sealed(payload);
  AppendU64(sealed, Fnv1a(payload, Fnv1a(scope)));
  return Base64UrlEncode(sealed);
}

std::string UnsealToken(std::string_view token, std::string_view scope) {
  std::string raw = Base64UrlDecode(token);
  if (raw.size() < kChecksumBytes) throw InvalidPageToken("token is not a valid token");
  const std::string_view payload = std::string_view(raw).substr(0, raw.size() - kChecksumBytes);
  if (ReadU64(std::string_view(raw).substr(payload.size())) != Fnv1a(payload, Fnv1a(scope))) {
    throw InvalidPageToken("token is not a valid token");
  }
  raw.resize(payload.size());
  return raw;
}

std::vector<std::string> DecodePageToken(std::string_view token, std::string_view scope) {
  const std::string raw = Base64UrlDecode(token);
  constexpr size_t kHeaderBytes = 1 + 8 + 1;
  if (raw.size() < kHeaderBytes + kChecksumBytes) {
    throw InvalidPageToken("page_token is not a valid token");
  }
  const std::string_view payload = std::string_view(raw).substr(0, raw.size() - kChecksumBytes);
  if (ReadU64(std::string_view(raw).substr(payload.size())) != Fnv1a(payload) ||
      static_cast<uint8_t>(payload[0]) != kTokenVersion) {
    throw InvalidPageToken("page_token is not a valid token");
  }
  if (ReadU64(payload.substr(1)) != Fnv1a(scope)) {
    throw InvalidPageToken(
        "page_token belongs to a different query; reuse it only with the same filter, order_by "
        "and parent");
  }
  const size_t parts = static_cast<uint8_t>(payload[9]);
  if (parts > kMaxKeyParts) throw InvalidPageToken("page_token is not a valid token");
  std::vector<std::string> key;
  size_t offset = kHeaderBytes;
  for (size_t i = 0; i < parts; ++i) {
    if (payload.size() - offset < 8) throw InvalidPageToken("page_token is not a valid token");
    const uint64_t length = ReadU64(payload.substr(offset));
    offset += 8;
    if (payload.size() - offset < length) throw InvalidPageToken("page_token is not a valid token");
    key.emplace_back(payload.substr(offset, length));
    offset += length;
  }
  if (offset != payload.size()) throw InvalidPageToken("page_token is not a valid token");
  return key;
}

int EffectivePageSize(int requested) {
  if (requested < 0) throw std::invalid_argument("page_size must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

}  // namespace photoflow::query
