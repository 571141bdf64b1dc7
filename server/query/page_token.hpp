#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::query {

// A page token that is malformed, altered, or used with another query.
class InvalidPageToken : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Keyset pagination state: the sort key of the last row of a page, bound to
// the query it came from. `scope` describes that query (collection, filter,
// order); a token is accepted only with the same scope. The token is opaque to
// clients (base64url) and carries a checksum, so accidental or deliberate edits
// are rejected instead of silently skipping rows.
std::string EncodePageToken(std::string_view scope, const std::vector<std::string>& last_key);

// Returns the last-row key stored in `token`; throws InvalidPageToken.
std::vector<std::string> DecodePageToken(std::string_view token, std::string_view scope);

// A compact opaque token for a fixed-layout binary `payload`, bound to
// `scope` by a checksum over both (base64url, like page tokens). For tokens
// sent with every event of a stream, where EncodePageToken's length-prefixed
// text parts would triple the size.
std::string SealToken(std::string_view scope, std::string_view payload);

// The payload of a SealToken token; throws InvalidPageToken when it is
// malformed, altered or of another scope.
std::string UnsealToken(std::string_view token, std::string_view scope);

// page_size rules shared by every List call: 0 -> 50, over 1000 -> 1000,
// negative -> std::invalid_argument.
int EffectivePageSize(int requested);

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

}  // namespace photoflow::query
