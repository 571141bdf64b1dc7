#include "db/session.hpp"

#include <algorithm>
#include <string>

#include "db/errors.hpp"

namespace photoflow::db {
namespace {

// Behind PgBouncer: what a pooled session otherwise keeps, for this
// transaction only. An empty $1 or $2 keeps the server's setting.
constexpr Query kSetTransactionSettings{
    R"sql(SELECT pg_catalog.set_config('TimeZone', 'UTC', true),
       pg_catalog.set_config('search_path',
         CASE WHEN $1 = '' THEN pg_catalog.current_setting('search_path') ELSE $1 END, true),
       pg_catalog.set_config('statement_timeout',
         CASE WHEN $2 = '' THEN pg_catalog.current_setting('statement_timeout') ELSE $2 END, true))sql",
    "session_set_transaction_settings"};

}  // namespace

void Session::CheckDeadline() const {
  if (deadline_ && Clock::now() >= *deadline_) {
    throw DeadlineExceeded("deadline exceeded before the statement started");
  }
}

void Session::ApplySettings(Transaction& transaction) const {
  CheckDeadline();
  PooledConnection& connection = lease_.connection();
  // With session state the connection keeps TimeZone and search_path, and the
  // call's cancel at its deadline (PQcancel) ends a statement still running:
  // no statement of its own, no round trip.
  if (connection.session_state()) return;
  // Behind PgBouncer the transaction must set TimeZone and search_path itself;
  // the deadline rides along in the same statement as statement_timeout.
  std::string timeout;  // empty: keep the server's statement_timeout
  if (deadline_) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
    timeout = std::to_string(std::max<int64_t>(remaining, 1));
  }
  const std::string& schema = pool_.schema();
  transaction.Exec(kSetTransactionSettings,
                   schema.empty() ? std::string() : connection.quote_name(schema), timeout);
}

}  // namespace photoflow::db
