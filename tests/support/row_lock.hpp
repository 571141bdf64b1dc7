#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <pqxx/connection>
#include <pqxx/transaction>

#include "support/test_database.hpp"

namespace photoflow::testing {

// Holds a task's row lock from a separate connection (as another program
// would), so that a server call touching the row stays in flight on demand.
class TaskRowLock {
 public:
  TaskRowLock(const TestSchema& schema, int task_id);
  void Release();  // commits; the blocked call proceeds

 private:
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::work> transaction_;
};

// Waits until exactly `count` backends with this application_name wait on a
// lock; false if that does not happen within `timeout`.
bool WaitForLockWaiters(const TestSchema& schema, const std::string& application_name, int count,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace photoflow::testing
