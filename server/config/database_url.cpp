#include "config/database_url.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include "config/values.hpp"

namespace photoflow::config {
namespace {

constexpr std::string_view kMask = "****";

// Parameters that Prisma understands and libpq does not. Those we implement are
// parsed below; the rest only make sense inside Prisma's own engine.
constexpr std::array<std::string_view, 9> kPrismaOnlyParameters = {
    "connection_limit",     "pool_timeout", "schema",      "pgbouncer", "socket_timeout",
    "statement_cache_size", "sslidentity",  "sslpassword", "sslaccept"};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      throw std::invalid_argument("DATABASE_URL: bad percent-encoding in " + std::string(what));
    }
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) {
      throw std::invalid_argument("DATABASE_URL: bad percent-encoding in " + std::string(what));
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

size_t SchemeLength(std::string_view url) {
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (StartsWith(url, scheme)) return scheme.size();
  }
  return 0;
}

bool IsPrismaOnly(std::string_view key) {
  for (std::string_view known : kPrismaOnlyParameters) {
    if (key == known) return true;
  }
  return false;
}

// Masks the password between "user:" and "@" in the authority part.
std::string RedactAuthority(std::string_view url, size_t scheme_length) {
  const size_t authority_end = url.find_first_of("/?#", scheme_length);
  const std::string_view authority = url.substr(
      scheme_length, authority_end == std::string_view::npos ? std::string_view::npos
                                                             : authority_end - scheme_length);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, scheme_length + colon + 1));
  out += kMask;
  out += url.substr(scheme_length + at);
  return out;
}

}  // namespace

std::string RedactDatabaseUrl(std::string_view url) {
  const size_t scheme_length = SchemeLength(url);
  if (scheme_length == 0) return std::string(kMask);
  std::string redacted = RedactAuthority(url, scheme_length);
  const size_t query_start = redacted.find('?');
  if (query_start == std::string::npos) return redacted;
  std::string out = redacted.substr(0, query_start + 1);
  std::string_view query = std::string_view(redacted).substr(query_start + 1);
  bool first = true;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (!first) out.push_back('&');
    first = false;
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos &&
        pair.substr(0, equals).find("password") != std::string_view::npos) {
      out += pair.substr(0, equals + 1);
      out += kMask;
    } else {
      out += pair;
    }
  }
  return out;
}

DatabaseUrl ParseDatabaseUrl(std::string_view url) {
  const size_t scheme_length = SchemeLength(url);
  if (scheme_length == 0) {
    throw std::invalid_argument(
        "DATABASE_URL must start with postgresql:// or postgres:// (for example "
        "postgresql://user:password@localhost:5432/photoflow)");
  }
  DatabaseUrl parsed;
  parsed.redacted = RedactDatabaseUrl(url);

  const size_t fragment = url.find('#');
  const std::string_view without_fragment = url.substr(0, fragment);
  const size_t query_start = without_fragment.find('?');
  parsed.libpq_url = std::string(without_fragment.substr(0, query_start));
  if (query_start == std::string_view::npos) return parsed;

  std::vector<std::string_view> kept;
  std::string_view query = without_fragment.substr(query_start + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    const std::string key = PercentDecode(pair.substr(0, equals), "a parameter name");
    const std::string value = equals == std::string_view::npos
                                  ? std::string()
                                  : PercentDecode(pair.substr(equals + 1), key);
    if (!IsPrismaOnly(key)) {
      kept.push_back(pair);
      continue;
    }
    if (key == "connection_limit") {
      parsed.connection_limit = ParseWholeNumber("DATABASE_URL: " + key, value, 1, 10000);
    } else if (key == "pool_timeout") {
      parsed.pool_timeout = ParseSeconds("DATABASE_URL: " + key, value, 0, 86400);
    } else if (key == "schema") {
      if (value.empty()) throw std::invalid_argument("DATABASE_URL: schema must not be empty");
      parsed.schema = value;
    } else if (key == "pgbouncer") {
      if (value.empty())
        throw std::invalid_argument("DATABASE_URL: pgbouncer must be true or false");
      parsed.pgbouncer = ParseBool("DATABASE_URL: " + key, value);
    }
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    parsed.libpq_url += i == 0 ? '?' : '&';
    parsed.libpq_url += kept[i];
  }
  return parsed;
}

}  // namespace photoflow::config
