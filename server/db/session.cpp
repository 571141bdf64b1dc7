#include "db/session.hpp"

#include <algorithm>
#include <string>

#include "db/broken_statement.hpp"
#include "db/errors.hpp"

namespace photoflow::db {
namespace {

// The call's remaining time as this transaction's statement_timeout.
constexpr Query kSetStatementTimeout{
    R"sql(SELECT pg_catalog.set_config('statement_timeout', $1, true))sql",
    "session_set_statement_timeout"};

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

void Session::ThrowUnlessNotApplied() const {
  const PooledConnection& connection = lease_.connection();
  const std::string error = connection.LastError();
  // The statement was sent on a session the server had not ended before
  // (ThrowIfEndedWhileIdle): a FATAL that libpq took for a notice came after
  // the statement's answer, maybe after its commit, so it proves nothing.
  if (ClassifyBrokenStatement(error, /*session_ended_while_idle=*/false) ==
      BrokenStatement::kNotApplied) {
    return;
  }
  throw pqxx::statement_completion_unknown(
      "the connection broke during a statement outside a transaction: " + error);
}

void Session::ApplySettings(Transaction& transaction) const {
  CheckDeadline();
  std::string timeout;  // empty: keep the server's statement_timeout
  if (deadline_) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
    timeout = std::to_string(std::max<int64_t>(remaining, 1));
  }
  PooledConnection& connection = lease_.connection();
  if (!connection.session_state()) {
    const std::string& schema = pool_.schema();
    transaction.Exec(kSetTransactionSettings,
                     schema.empty() ? std::string() : connection.quote_name(schema), timeout);
    return;
  }
  if (!timeout.empty()) transaction.Exec(kSetStatementTimeout, timeout);
}

}  // namespace photoflow::db
