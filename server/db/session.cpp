#include "db/session.hpp"

#include <algorithm>
#include <string>

#include "db/errors.hpp"

namespace photoflow::db {

void Session::LimitStatementTime(pqxx::transaction_base& transaction) const {
  if (!deadline_) return;
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
  if (remaining <= 0) throw DeadlineExceeded("deadline exceeded before the statement started");
  // SET LOCAL: the limit ends with the transaction, never leaking to the next call.
  transaction.exec_params("SELECT pg_catalog.set_config('statement_timeout', $1, true)",
                          std::to_string(std::max<int64_t>(remaining, 1)));
}

}  // namespace photoflow::db
