#pragma once

#include <string>
#include <utility>

#include <pqxx/result>
#include <pqxx/transaction>
#include <pqxx/transaction_base>

#include "db/pooled_connection.hpp"

namespace photoflow::db {

// Marks a transaction that runs on a pooled connection (libpqxx's connection
// classes are not polymorphic, but its transactions are, so Exec finds the
// pooled connection through the transaction).
class OnPooledConnection {
 public:
  explicit OnPooledConnection(PooledConnection& connection) : connection_(connection) {}
  PooledConnection& pooled_connection() const { return connection_; }

 private:
  PooledConnection& connection_;
};

// A libpqxx transaction on a pooled connection.
template <pqxx::isolation_level Isolation, pqxx::readwrite_policy Access>
class PooledTransaction final : public pqxx::transaction<Isolation, Access>,
                                public OnPooledConnection {
 public:
  // namedclass is a virtual base of libpqxx's transactions: the most derived
  // class constructs it.
  explicit PooledTransaction(PooledConnection& connection)
      : pqxx::internal::namedclass("transaction"),
        pqxx::transaction<Isolation, Access>(connection),
        OnPooledConnection(connection) {}
};

// Runs one parameterised statement: as a prepared statement on a pooled
// connection that keeps session state (parse and plan once per connection),
// else as a one-off parameterised statement. Every store statement goes
// through here.
template <typename... Args>
pqxx::result Exec(pqxx::transaction_base& transaction, const std::string& sql, Args&&... args) {
  if (const auto* pooled = dynamic_cast<const OnPooledConnection*>(&transaction)) {
    if (const std::string* name = pooled->pooled_connection().PreparedName(sql)) {
      return transaction.exec_prepared(*name, std::forward<Args>(args)...);
    }
  }
  return transaction.exec_params(sql, std::forward<Args>(args)...);
}

}  // namespace photoflow::db
