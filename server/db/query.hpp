#pragma once

#include <concepts>
#include <string>
#include <string_view>

namespace photoflow::db {

// One SQL statement with a stable name, defined once (userver's
// storages::postgres::Query): the name labels the statement in logs and
// metrics and is its prepared-statement name on a pooled connection, so it
// also shows in pg_prepared_statements and in PostgreSQL's own logs. Most are
// constexpr constants beside the code that runs them; the few whose text is
// derived from a field registry are built once and then never change. A
// Query only views its text and name: the text must outlive it, and the name
// must be a string literal (sessions keep the last name for their logs).
class Query {
 public:
  constexpr Query(std::string_view text, std::string_view name) : text_(text), name_(name) {}
  // A temporary string's text would dangle.
  template <typename Text>
  requires std::same_as<Text, std::string> Query(Text&& text, std::string_view name)
  = delete;

  constexpr std::string_view text() const { return text_; }
  constexpr std::string_view name() const { return name_; }

 private:
  std::string_view text_;
  std::string_view name_;
};

}  // namespace photoflow::db
