#pragma once

#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

#include <pqxx/except>
#include <pqxx/transaction>

#include "db/pool.hpp"

namespace photoflow::db {

// Runs units of work in transactions on pooled connections. Blocking: call it
// from a worker thread, never from a gRPC thread.
class Database {
 public:
  using Clock = ConnectionPool::Clock;

  explicit Database(ConnectionPool& pool) : pool_(pool) {}

  // Runs `work(pqxx::work&)` in one transaction and commits it when `work`
  // returns; an exception rolls everything back and propagates. A connection
  // that turns out to be broken before anything was committed (a restarted
  // PostgreSQL leaves every pooled connection dead) is replaced and the work
  // retried once on a fresh connection, so a restart costs no failed call.
  template <typename Work>
  auto Transact(std::optional<Clock::time_point> deadline, Work&& work)
      -> std::invoke_result_t<Work&, pqxx::work&> {
    for (int attempt = 0;; ++attempt) {
      ConnectionPool::Lease lease = pool_.Acquire(deadline);
      try {
        pqxx::work transaction(lease.connection());
        if constexpr (std::is_void_v<std::invoke_result_t<Work&, pqxx::work&>>) {
          work(transaction);
          transaction.commit();
          return;
        } else {
          auto result = work(transaction);
          transaction.commit();
          return result;
        }
      } catch (const pqxx::in_doubt_error&) {
        lease.Discard();
        throw;
      } catch (const pqxx::broken_connection&) {
        lease.Discard();
        if (!lease.reused() || attempt > 0) throw;
        pool_.DiscardIdle();
      }
    }
  }

  ConnectionPool& pool() { return pool_; }

 private:
  ConnectionPool& pool_;
};

}  // namespace photoflow::db
