#include "db/session.hpp"

#include <algorithm>
#include <string>

#include "db/errors.hpp"
#include "db/exec.hpp"

namespace photoflow::db {

void Session::ApplySettings(pqxx::transaction_base& transaction) const {
  std::string timeout;  // empty: keep the server's statement_timeout
  if (deadline_) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
    if (remaining <= 0) throw DeadlineExceeded("deadline exceeded before the statement started");
    timeout = std::to_string(std::max<int64_t>(remaining, 1));
  }
  PooledConnection& connection = lease_.connection();
  if (!connection.session_state()) {
    const std::string& schema = pool_.schema();
    Exec(transaction,
         "SELECT pg_catalog.set_config('TimeZone', 'UTC', true), "
         "pg_catalog.set_config('search_path', "
         "CASE WHEN $1 = '' THEN pg_catalog.current_setting('search_path') ELSE $1 END, true), "
         "pg_catalog.set_config('statement_timeout', "
         "CASE WHEN $2 = '' THEN pg_catalog.current_setting('statement_timeout') ELSE $2 END, "
         "true)",
         schema.empty() ? std::string() : connection.quote_name(schema), timeout);
    return;
  }
  if (!timeout.empty()) {
    Exec(transaction, "SELECT pg_catalog.set_config('statement_timeout', $1, true)", timeout);
  }
}

}  // namespace photoflow::db
