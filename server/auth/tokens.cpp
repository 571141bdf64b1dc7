#include "auth/tokens.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace photoflow::auth {
namespace {

constexpr std::size_t kMaxNameLength = 64;

struct ScopeRow {
  Scope scope;
  std::string_view name;
};
constexpr ScopeRow kScopes[] = {
    {kTasksRead, "tasks.read"},
    {kTasksWrite, "tasks.write"},
    {kAdmin, "admin"},
};

TokenHash HashOf(std::string_view token) {
  TokenHash hash{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash.data());
  return hash;
}

std::optional<TokenHash> ParseHash(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  TokenHash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) {
    unsigned value = 0;
    for (const char c : hex.substr(2 * i, 2)) {
      value <<= 4U;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    hash[i] = static_cast<uint8_t>(value);
  }
  return hash;
}

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::optional<Scope> ParseScope(std::string_view name) {
  for (const ScopeRow& row : kScopes) {
    if (row.name == name) return row.scope;
  }
  return std::nullopt;
}

std::string_view ScopeName(Scope scope) {
  for (const ScopeRow& row : kScopes) {
    if (row.scope == scope) return row.name;
  }
  return "unknown";
}

bool Allows(Scopes granted, Scope needed) {
  if ((granted & kAdmin) != 0) return true;
  if (needed == kTasksRead) return (granted & (kTasksRead | kTasksWrite)) != 0;
  return (granted & needed) != 0;
}

std::vector<TokenEntry> ParseTokensFile(std::string_view text) {
  std::vector<TokenEntry> entries;
  std::set<std::string> names;
  std::set<TokenHash> hashes;
  int line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> words;
    for (std::string_view word : Split(line, ' ')) {
      for (std::string_view part : Split(word, '\t')) {
        if (!part.empty()) words.push_back(part);
      }
    }
    if (words.empty() || words.front().starts_with("#")) continue;
    const std::string where = "line " + std::to_string(line_number) + ": ";
    if (words.size() != 3) {
      throw std::invalid_argument(where + "expected '<sha256 hex> <name> <scopes>'");
    }
    const std::optional<TokenHash> hash = ParseHash(words[0]);
    if (!hash) throw std::invalid_argument(where + "the hash is not 64 hex digits");
    if (!IsValidName(words[1])) {
      throw std::invalid_argument(where + "the name must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    TokenEntry entry{*hash, {std::string(words[1]), 0}};
    for (std::string_view scope_name : Split(words[2], ',')) {
      const std::optional<Scope> scope = ParseScope(scope_name);
      if (!scope) {
        throw std::invalid_argument(where + "unknown scope (use tasks.read, tasks.write, admin)");
      }
      entry.caller.scopes |= *scope;
    }
    if (!names.insert(entry.caller.name).second) {
      throw std::invalid_argument(where + "the name '" + entry.caller.name + "' is used twice");
    }
    if (!hashes.insert(entry.hash).second) {
      throw std::invalid_argument(where + "the same token hash is listed twice");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

const TokenEntry* FindToken(const std::vector<TokenEntry>& entries, std::string_view token) {
  const TokenHash hash = HashOf(token);
  const TokenEntry* found = nullptr;
  for (const TokenEntry& entry : entries) {
    if (CRYPTO_memcmp(entry.hash.data(), hash.data(), hash.size()) == 0) found = &entry;
  }
  return found;
}

std::string NewToken() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the operating system's random generator failed");
  }
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token = "pf_";
  unsigned bits = 0;
  int pending = 0;
  for (const unsigned char byte : random) {
    bits = (bits << 8U) | byte;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      token += kAlphabet[(bits >> static_cast<unsigned>(pending)) & 0x3FU];
    }
  }
  if (pending > 0) token += kAlphabet[(bits << static_cast<unsigned>(6 - pending)) & 0x3FU];
  return token;
}

std::string TokenHashHex(std::string_view token) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  for (const uint8_t byte : HashOf(token)) {
    hex += kHex[byte >> 4U];
    hex += kHex[byte & 0xFU];
  }
  return hex;
}

std::string TokenLine(std::string_view token, std::string_view name, Scopes scopes) {
  std::ostringstream line;
  line << TokenHashHex(token) << ' ' << name << ' ';
  bool first = true;
  for (const ScopeRow& row : kScopes) {
    if ((scopes & row.scope) == 0) continue;
    line << (first ? "" : ",") << row.name;
    first = false;
  }
  return line.str();
}

}  // namespace photoflow::auth
