#include "support/row_lock.hpp"

#include <pqxx/nontransaction>

namespace photoflow::testing {

TaskRowLock::TaskRowLock(const TestSchema& schema, int task_id)
    : connection_(schema.Connect()), transaction_(std::make_unique<pqxx::work>(*connection_)) {
  transaction_->exec_params("SELECT 1 FROM \"Tasks\" WHERE id = $1 FOR UPDATE", task_id);
}

void TaskRowLock::Release() {
  if (transaction_) transaction_->commit();
  transaction_.reset();
}

bool WaitForLockWaiters(const TestSchema& schema, const std::string& application_name, int count,
                        std::chrono::milliseconds timeout) {
  auto observer = schema.Connect();
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    // pg_sleep paces the polling (5 ms) so that it does not starve the
    // server under test of CPU; the condition itself is what we wait for.
    const int waiting = pqxx::nontransaction(*observer)
                            .exec_params(
                                "SELECT count(*) FROM pg_stat_activity, pg_sleep(0.005) "
                                "WHERE application_name = $1 AND wait_event_type = 'Lock'",
                                application_name)[0][0]
                            .as<int>();
    if (waiting == count) return true;
  }
  return false;
}

}  // namespace photoflow::testing
