#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <pqxx/result>
#include <pqxx/transaction_base>

#include "db/errors.hpp"
#include "db/pooled_connection.hpp"
#include "db/query.hpp"

namespace photoflow::db {

// A transaction on a pooled connection: what every store statement runs in.
// It knows its connection, so a statement is prepared there once (parse and
// plan once per connection) when the connection keeps session state, and
// sent as a one-off parameterised statement otherwise (PgBouncer).
class Transaction {
 public:
  // `last_query`, when given, is kept set to the name of the statement
  // running or run last, so that a failure can be logged with it.
  Transaction(pqxx::transaction_base& transaction, PooledConnection& connection,
              std::string_view* last_query = nullptr)
      : transaction_(transaction),
        connection_(connection),
        last_query_(last_query != nullptr ? *last_query : own_last_query_) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Runs `query` with `args` bound as $1, $2, ... (a
  // pqxx::prepare::make_dynamic_params for a variable number).
  // The connection's StatementObserver, if any, hears of it by name.
  // A call cancelled before the statement is sent (CancelHandle::Request)
  // sends nothing and throws CallCancelled.
  template <typename... Args>
  pqxx::result Exec(const Query& query, Args&&... args) {
    last_query_ = query.name();
    if (connection_.cancel_requested()) throw CallCancelled("call cancelled");
    StatementObserver* observer = connection_.statement_observer();
    if (observer == nullptr) return Run(query, std::forward<Args>(args)...);
    const auto started = std::chrono::steady_clock::now();
    pqxx::result result;
    try {
      result = Run(query, std::forward<Args>(args)...);
    } catch (...) {
      observer->StatementFinished(query.name(), std::chrono::steady_clock::now() - started, true);
      throw;
    }
    observer->StatementFinished(query.name(), std::chrono::steady_clock::now() - started, false);
    return result;
  }

  PooledConnection& connection() { return connection_; }

 private:
  template <typename... Args>
  pqxx::result Run(const Query& query, Args&&... args) {
    if (const std::string* prepared = connection_.PreparedName(query)) {
      return transaction_.exec_prepared(*prepared, std::forward<Args>(args)...);
    }
    return transaction_.exec_params(std::string(query.text()), std::forward<Args>(args)...);
  }

  pqxx::transaction_base& transaction_;
  PooledConnection& connection_;
  std::string_view own_last_query_;
  std::string_view& last_query_;
};

}  // namespace photoflow::db
