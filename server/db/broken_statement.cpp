#include "db/broken_statement.hpp"

#include <array>
#include <string_view>

namespace photoflow::db {

bool EndsSession(std::string_view server_message) {
  // Verbose: severity, SQLSTATE, then the message.
  return server_message.find("FATAL:  57P01: ") != std::string_view::npos;
}

BrokenStatement ClassifyBrokenStatement(std::string_view libpq_error,
                                        bool session_ended_while_idle) {
  // The FATAL as the statement's own answer: the server rolled it back.
  if (session_ended_while_idle || EndsSession(libpq_error)) return BrokenStatement::kNotApplied;
  // libpq's own words when nothing was sent (libpq's messages follow the
  // process locale, which this service does not change).
  static constexpr std::array<std::string_view, 2> kNeverSent = {"no connection to the server",
                                                                 "could not send data to server"};
  for (const std::string_view words : kNeverSent) {
    if (libpq_error.find(words) != std::string_view::npos) return BrokenStatement::kNotApplied;
  }
  return BrokenStatement::kOutcomeUnknown;
}

}  // namespace photoflow::db
