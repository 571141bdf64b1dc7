#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::query {

// A filter that cannot be used; `position` is the 0-based byte offset of the
// problem in the filter text.
class FilterError : public std::invalid_argument {
 public:
  FilterError(const std::string& message, size_t position);
  size_t position() const { return position_; }

 private:
  size_t position_;
};

// A SQL boolean expression with its parameter values. The SQL refers to the
// values as $first_parameter, $first_parameter + 1, ... in order; user text
// never appears in it.
struct SqlCondition {
  std::string sql;
  std::vector<std::string> parameters;
};

constexpr size_t kMaxFilterLength = 2000;
constexpr int kMaxFilterDepth = 16;
constexpr int kMaxFilterComparisons = 50;

// Compiles an AIP-160 filter over the Task fields (see docs/api.md):
// comparisons `field OP value` with = != < <= > >= and `:` (case-insensitive
// substring, text only), combined with AND, OR, NOT and parentheses. As in
// AIP-160, OR binds tighter than AND. Strings and timestamps (RFC 3339) are
// double-quoted; numbers and true/false are bare. An empty filter is "TRUE".
// Throws FilterError.
SqlCondition CompileTaskFilter(std::string_view filter, int first_parameter);

// Milliseconds since the epoch for an RFC 3339 timestamp such as
// "2026-04-01T00:00:00Z" or "2026-04-01T02:00:00.5+02:00"; throws
// std::invalid_argument.
int64_t ParseRfc3339Millis(std::string_view text);

}  // namespace photoflow::query
