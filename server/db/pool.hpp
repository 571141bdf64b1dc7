#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "log/logger.hpp"

namespace photoflow::db {

struct PoolOptions {
  // A libpq URL without Prisma-only parameters (config::DatabaseUrl::libpq_url).
  std::string libpq_url;
  // When set, every connection's search_path is this schema alone.
  std::string schema;
  int max_connections = 1;
  // Longest wait for a free connection; zero means no limit but the caller's deadline.
  std::chrono::milliseconds acquire_timeout{0};
};

// A bounded set of libpqxx connections, opened lazily up to max_connections
// and reused. Acquire() blocks the calling (worker) thread until a connection
// is free, the pool timeout passes (PoolTimeout) or the caller's deadline
// passes (DeadlineExceeded). A connection that cannot be opened raises
// DatabaseUnavailable and does not count against the limit.
class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;

  // Exclusive use of one connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    pqxx::connection& connection() { return *connection_; }
    // True when the connection served an earlier lease (it may have gone stale).
    bool reused() const { return reused_; }
    // Closes the connection instead of returning it (it broke, or is suspect).
    void Discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection, bool reused);

    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
    bool reused_;
    bool discard_ = false;
  };

  struct Stats {
    int max = 0;
    int open = 0;
    int in_use = 0;
    int idle = 0;
    int waiting = 0;
  };

  ConnectionPool(PoolOptions options, log::Logger& logger);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Lease Acquire(std::optional<Clock::time_point> deadline = std::nullopt);

  // A connection configured like the pooled ones but outside the pool and its
  // limit, for work that must not compete with calls (the health probe).
  // Throws DatabaseUnavailable when PostgreSQL cannot be reached.
  std::unique_ptr<pqxx::connection> OpenUnpooled() { return Connect(); }

  // Closes every idle connection; used after one broke, since a database
  // restart breaks them all.
  void DiscardIdle();

  Stats stats() const;

 private:
  void Release(std::unique_ptr<pqxx::connection> connection, bool discard);
  std::unique_ptr<pqxx::connection> Connect();

  const PoolOptions options_;
  const std::string conninfo_;
  log::Logger& logger_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
  int waiting_ = 0;
};

}  // namespace photoflow::db
