#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "db/pool_observer.hpp"
#include "db/pooled_connection.hpp"
#include "db/statement_observer.hpp"
#include "log/logger.hpp"

namespace photoflow::db {

struct PoolOptions {
  // A libpq URL without Prisma-only parameters (config::DatabaseUrl::libpq_url).
  std::string libpq_url;
  // When set, every connection's search_path is this schema alone.
  std::string schema;
  int max_connections = 1;
  // Longest wait for a free connection, counted from the call's arrival; zero
  // means no limit but the call's deadline.
  std::chrono::milliseconds acquire_timeout{0};
  // Calls allowed to wait for a connection at once; more fail at once.
  int max_waiters = 4;
  // Connections older than this are closed when next returned or picked up
  // (each gets up to 10% less, so that they do not all expire together);
  // zero keeps them for ever.
  std::chrono::milliseconds max_lifetime{0};
  // False behind PgBouncer in transaction mode (?pgbouncer=true): no prepared
  // statements and no session settings; each transaction sets its own.
  bool session_state = true;
  // After a failed connection attempt the pool fails calls at once (UNAVAILABLE)
  // instead of trying again, for a backoff that doubles from the first value
  // up to the second; any successful connection (the health probe's too) ends it.
  std::chrono::milliseconds reconnect_backoff_initial{100};
  std::chrono::milliseconds reconnect_backoff_max{1000};
  // Told about acquisitions, failures and connections; nullptr for none.
  PoolObserver* observer = nullptr;
  // Told about every statement run on the pool's connections (the unpooled
  // ones too); nullptr for none.
  StatementObserver* statements = nullptr;
};

// A bounded set of libpqxx connections, opened lazily up to max_connections
// and reused. Calls wait for a connection asynchronously (a queue plus an Asio
// timer), so no thread blocks while waiting. The work that gets a connection
// runs on the `workers` executor; timeouts and refusals run on `timers`, which
// must not be the workers (those may all be busy in SQL when a wait times out).
class ConnectionPool {
  struct Waiter;
  struct CancelTarget;

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

    PooledConnection& connection() { return *connection_; }
    // True when the connection served an earlier lease (it may have gone stale).
    bool reused() const { return reused_; }
    // Closes the connection instead of returning it (it broke, or is suspect).
    void Discard() { discard_ = true; }
    // Replaces a broken connection with a new one in the same pool slot.
    // Throws DatabaseUnavailable when PostgreSQL cannot be reached.
    void Reconnect();
    // Starts a new call on this lease (several calls of a batch may run on
    // one lease in turn): cancel handles taken for the calls before it no
    // longer act on it, and its statements are not refused for their cancels.
    void BeginCall();

    // What another thread needs to cancel this lease's current call later:
    // valid for ever, a no-op once the lease has given its connection back or
    // begun another call. PQcancel
    // opens a connection to PostgreSQL and can block for minutes when the
    // network is gone, so callers that must not block (gRPC reactions) run
    // Cancel() on an executor of their own.
    class CancelHandle {
     public:
      // Marks the lease's call as cancelled, at once and without blocking: its
      // next statement is not sent (PostgreSQL drops a cancel that finds the
      // backend between statements).
      void Request() const;
      // Request(), then PQcancel for the statement running now; may block.
      // False when the lease has given its connection back (nothing runs).
      bool Cancel() const;
      // Cancel() on `executor` (which may block) now, and again after 5, 10,
      // 20 ... ms (at most 1 s apart) for as long as the lease holds its
      // connection. PostgreSQL drops a cancel that reaches the backend before
      // the statement it was meant for, when it was already sent: a later
      // one ends it. A statement outside a transaction has no
      // statement_timeout; this is what bounds it.
      void CancelUntilReleased(const boost::asio::any_io_executor& executor) const;

     private:
      friend class Lease;
      CancelHandle(std::shared_ptr<CancelTarget> target, log::Logger* logger, uint64_t generation)
          : target_(std::move(target)), logger_(logger), generation_(generation) {}
      std::shared_ptr<CancelTarget> target_;
      log::Logger* logger_;
      uint64_t generation_;
    };
    CancelHandle cancel_handle() const;

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> connection, bool reused);

    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> connection_;
    // What CancelHandle and CancelAll reach from other threads.
    std::shared_ptr<CancelTarget> cancel_target_;
    bool reused_;
    bool discard_ = false;
  };

  // Lets a caller give up its place in the queue (a call its client
  // cancelled): see CancelWait. Guarded by the pool's mutex.
  class WaitTicket {
   private:
    friend class ConnectionPool;
    std::weak_ptr<Waiter> waiter_;
    bool cancelled_ = false;
  };

  struct AcquireLimits {
    // When the caller started waiting (a call's arrival): pool_timeout counts from here.
    Clock::time_point wait_started = Clock::now();
    std::optional<Clock::time_point> call_deadline;
    // Optional; CancelWait(*ticket) ends the wait.
    std::shared_ptr<WaitTicket> ticket;
  };

  struct Stats {
    int max = 0;
    int open = 0;
    int in_use = 0;
    int idle = 0;
    int waiting = 0;
  };

  using ReadyHandler = std::function<void(Lease)>;
  using FailedHandler = std::function<void(std::exception_ptr)>;

  ConnectionPool(PoolOptions options, boost::asio::any_io_executor workers,
                 boost::asio::any_io_executor timers, log::Logger& logger);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Calls `ready` with a connection as soon as one is free, or `failed` with
  // PoolTimeout (pool_timeout passed, or too many waiters), DeadlineExceeded
  // (the call's deadline passed) or DatabaseUnavailable (cannot connect).
  // `ready` runs on a worker, `failed` on a worker or the timer executor;
  // this never blocks.
  void AsyncAcquire(const AcquireLimits& limits, ReadyHandler ready, FailedHandler failed);

  // Ends the wait `ticket` belongs to: a waiting caller leaves the queue at
  // once and its `failed` gets CallCancelled; one that has a connection (or
  // has not queued yet, in which case it is refused when it does) is not
  // affected here.
  void CancelWait(WaitTicket& ticket);

  // Takes the caller `ticket` belongs to out of the queue without calling
  // either of its handlers: true when it was waiting (it now shares the
  // connection of whoever withdrew it, see api::CallBatch), false when it is
  // not in the queue (served, failed, cancelled, or not queued yet).
  bool Withdraw(WaitTicket& ticket);

  // For shutdown once the grace period is over: fails every waiting call and
  // cancels the statement running on every leased connection (PQcancel).
  void CancelAll();

  // A connection configured like the pooled ones but outside the pool and its
  // limit, for work that must not compete with calls (the health probe, the
  // statistics collector). Throws DatabaseUnavailable when PostgreSQL cannot
  // be reached; a success ends the reconnect backoff.
  std::unique_ptr<PooledConnection> OpenUnpooled() { return Connect(Purpose::kUnpooled); }

  // Closes every idle connection; used after one broke, since a database
  // restart breaks them all.
  void DiscardIdle();

  Stats stats() const;
  // The schema every connection works in (empty: the server's search_path).
  const std::string& schema() const { return options_.schema; }

 private:
  enum class Purpose { kPooled, kUnpooled };

  void Release(std::unique_ptr<PooledConnection> connection, bool discard,
               const std::shared_ptr<CancelTarget>& cancel_target);
  // Hands a free connection, or a free slot to open one in, to `waiter`.
  void Grant(const std::shared_ptr<Waiter>& waiter, std::unique_ptr<PooledConnection> connection);
  // Opens a connection in a slot already reserved (open_ counts it), or fails
  // the waiter and passes the slot on.
  void OpenFor(const std::shared_ptr<Waiter>& waiter);
  std::unique_ptr<PooledConnection> Connect(Purpose purpose);
  void RecordConnectFailure(Clock::time_point attempt_started, const std::string& message);
  // The first waiter not yet served or timed out; requires mutex_.
  std::shared_ptr<Waiter> PopWaiter();
  PooledConnection::Clock::time_point RetireAt() const;

  const PoolOptions options_;
  const std::string conninfo_;
  boost::asio::any_io_executor workers_;
  boost::asio::any_io_executor timers_;
  log::Logger& logger_;
  NullPoolObserver null_observer_;
  PoolObserver& observer_;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::unordered_set<std::shared_ptr<CancelTarget>> leased_;  // one per live lease
  std::deque<std::shared_ptr<Waiter>> waiters_;
  int open_ = 0;
  // Reconnect backoff: no pooled connection attempt before this.
  Clock::time_point connect_not_before_{};
  Clock::time_point last_connect_failure_{};  // of a pooled attempt
  std::chrono::milliseconds backoff_{0};
  std::string last_connect_error_;
};

}  // namespace photoflow::db
