#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Bearer tokens: the tokens file, its scopes, and new tokens. No transport:
// the api layer reads the token from the call's metadata.
namespace photoflow::auth {

// What a caller may do. tasks.write includes tasks.read (a write returns
// the resource it wrote); admin includes both.
enum Scope : unsigned {
  kTasksRead = 1U << 0,
  kTasksWrite = 1U << 1,
  kAdmin = 1U << 2,
};
using Scopes = unsigned;

// "tasks.read" -> kTasksRead; nullopt for a name that is no scope.
std::optional<Scope> ParseScope(std::string_view name);
std::string_view ScopeName(Scope scope);
// Whether `granted` allows what `needed` asks for (implied scopes included).
bool Allows(Scopes granted, Scope needed);

// Who called: the name of the token's line. Names are at most 64 of
// [A-Za-z0-9._-], so they are safe in log lines and bounded metric labels.
struct Caller {
  std::string name;
  Scopes scopes = 0;
};

using TokenHash = std::array<uint8_t, 32>;  // SHA-256 of the token

struct TokenEntry {
  TokenHash hash{};
  Caller caller;
};

// Parses a tokens file: one `<sha256 hex> <name> <scope>[,<scope>...]` line
// per token; blank lines and lines starting with `#` are ignored. Throws
// std::invalid_argument naming the line of the first problem (never quoting
// a hash). Names and hashes must be unique.
std::vector<TokenEntry> ParseTokensFile(std::string_view text);

// The entry whose hash is SHA-256(`token`), if any. Every entry is compared,
// each in constant time, so the time taken says nothing about which bytes of
// which hash matched.
const TokenEntry* FindToken(const std::vector<TokenEntry>& entries, std::string_view token);

// A new random token: "pf_" and 43 base64url characters (256 bits from the
// operating system's generator).
std::string NewToken();

// SHA-256 of `token` as 64 lower-case hex digits, as the tokens file holds it.
std::string TokenHashHex(std::string_view token);

// The tokens-file line for `token`.
std::string TokenLine(std::string_view token, std::string_view name, Scopes scopes);

}  // namespace photoflow::auth
