#pragma once

#include <chrono>
#include <string_view>

namespace photoflow::db {

// Told about every statement a db::Transaction runs, by its Query name, for
// metrics. Called on the worker that ran the statement: implementations must
// be quick and thread-safe.
class StatementObserver {
 public:
  virtual ~StatementObserver() = default;
  // `name` ran for `elapsed`; `failed` when it threw (an error from
  // PostgreSQL, a cancel, a broken connection).
  virtual void StatementFinished(std::string_view name, std::chrono::steady_clock::duration elapsed,
                                 bool failed) = 0;
};

}  // namespace photoflow::db
