#include "db/pool.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <pqxx/except>
#include <pqxx/nontransaction>

#include "db/connection_settings.hpp"
#include "db/errors.hpp"

namespace photoflow::db {
namespace {

using Failure = PoolObserver::AcquireFailure;
using CloseReason = PoolObserver::CloseReason;

// libpq defaults for what the URL leaves unset: a bounded connect time (a
// black-holed host must not hold a slot for minutes), TCP keepalives so a
// half-open idle connection is noticed, a bound on how long sent data may go
// unacknowledged (keepalives stay silent while data is in flight, and TCP's
// own retransmissions would take some 15 minutes to give up on a lost peer),
// and a name that shows in pg_stat_activity.
std::string BuildConninfo(const std::string& url) {
  std::string conninfo = url;
  auto add_default = [&conninfo](const std::string& key, const std::string& value) {
    if (conninfo.find(key + "=") != std::string::npos) return;
    conninfo += conninfo.find('?') == std::string::npos ? '?' : '&';
    conninfo += key + "=" + value;
  };
  add_default("connect_timeout", "5");
  add_default("keepalives", "1");
  add_default("keepalives_idle", "30");
  add_default("keepalives_interval", "10");
  add_default("keepalives_count", "3");
  add_default("tcp_user_timeout", "15000");
  add_default("fallback_application_name", "photoflow");
  return conninfo;
}

}  // namespace

struct ConnectionPool::Waiter {
  Waiter(const boost::asio::any_io_executor& executor, ReadyHandler ready_handler,
         FailedHandler failed_handler)
      : timer(executor), ready(std::move(ready_handler)), failed(std::move(failed_handler)) {}

  boost::asio::steady_timer timer;
  ReadyHandler ready;
  FailedHandler failed;
  Clock::time_point started = Clock::now();
  bool done = false;  // served, timed out or cancelled; guarded by the pool's mutex
};

// A lease's connection as other threads may reach it to cancel its statement.
// Cancelling connects to PostgreSQL and can block (for minutes when the
// network is gone), so it holds this lease's mutex, never the pool's.
struct ConnectionPool::CancelTarget {
  std::mutex mutex;
  PooledConnection* connection = nullptr;  // null once the lease gave it back
  // The call the lease runs now (its generation, bumped by Lease::BeginCall,
  // times two) and whether that call was cancelled (the low bit), in one word
  // so that a cancel meant for an earlier call never flags a later one. Set
  // without the mutex, never blocking; the lease's statements check it before
  // they are sent (PooledConnection::cancel_requested).
  std::atomic<uint64_t> state{0};

  // Flags call `generation` as cancelled, if it is still the lease's call.
  bool Flag(uint64_t generation) {
    uint64_t expected = generation << 1;
    return state.compare_exchange_strong(expected, expected | 1, std::memory_order_acq_rel) ||
           expected == ((generation << 1) | 1);
  }

  // Flags call `generation`, then asks PostgreSQL to cancel its running
  // statement; false when the lease has given its connection back or runs a
  // later call.
  bool Cancel(uint64_t generation, log::Logger& logger) {
    if (!Flag(generation)) return false;
    const std::lock_guard lock(mutex);
    if (connection == nullptr) return false;
    if ((state.load(std::memory_order_acquire) >> 1) != generation) return false;
    try {
      connection->cancel_query();
    } catch (const std::exception& error) {
      logger.Warn("db_cancel_failed", {{"message", error.what()}});
    }
    return true;
  }
};

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> connection,
                             bool reused)
    : pool_(pool),
      connection_(std::move(connection)),
      cancel_target_(std::make_shared<CancelTarget>()),
      reused_(reused) {
  cancel_target_->connection = connection_.get();
  connection_->set_cancel_flag(&cancel_target_->state);
  const std::lock_guard lock(pool_->mutex_);
  pool_->leased_.insert(cancel_target_);
}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      cancel_target_(std::move(other.cancel_target_)),
      reused_(other.reused_),
      discard_(other.discard_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ == nullptr || connection_ == nullptr) return;
  {
    // Once this returns, no cancel meant for this lease reaches the connection.
    const std::lock_guard lock(cancel_target_->mutex);
    cancel_target_->connection = nullptr;
  }
  connection_->set_cancel_flag(nullptr);
  pool_->Release(std::move(connection_), discard_, cancel_target_);
}

void ConnectionPool::Lease::Reconnect() {
  std::unique_ptr<PooledConnection> fresh;
  try {
    fresh = pool_->Connect(Purpose::kPooled);
  } catch (const DatabaseUnavailable&) {
    pool_->observer_.AcquireFailed(Failure::kUnavailable);
    throw;
  }
  {
    // A cancel may be under way from another thread.
    const std::lock_guard lock(cancel_target_->mutex);
    connection_.swap(fresh);
    cancel_target_->connection = connection_.get();
    connection_->set_cancel_flag(&cancel_target_->state);
  }
  pool_->observer_.ConnectionClosed(CloseReason::kBroken);
  // `fresh` now holds the broken connection, closed here outside the lock.
  reused_ = false;
  discard_ = false;
}

ConnectionPool::Lease::CancelHandle ConnectionPool::Lease::cancel_handle() const {
  return {cancel_target_, &pool_->logger_,
          cancel_target_->state.load(std::memory_order_acquire) >> 1};
}

void ConnectionPool::Lease::BeginCall() {
  // Under the mutex: a PQcancel for the call before is either over or not yet
  // checked the generation (CancelTarget::Cancel).
  const std::lock_guard lock(cancel_target_->mutex);
  uint64_t state = cancel_target_->state.load(std::memory_order_acquire);
  while (!cancel_target_->state.compare_exchange_weak(state, ((state >> 1) + 1) << 1,
                                                      std::memory_order_acq_rel)) {
  }
}

void ConnectionPool::Lease::CancelHandle::Request() const {
  if (target_) target_->Flag(generation_);
}

bool ConnectionPool::Lease::CancelHandle::Cancel() const {
  return target_ && target_->Cancel(generation_, *logger_);
}

namespace {

// The repeated cancels of CancelUntilReleased.
struct RepeatedCancel : std::enable_shared_from_this<RepeatedCancel> {
  RepeatedCancel(const boost::asio::any_io_executor& executor,
                 ConnectionPool::Lease::CancelHandle handle)
      : timer(executor), cancel(std::move(handle)) {}

  void Fire() {
    if (!cancel.Cancel()) return;
    timer.expires_after(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->Fire();
    });
  }

  boost::asio::steady_timer timer;
  ConnectionPool::Lease::CancelHandle cancel;
  std::chrono::milliseconds pause{5};
};

}  // namespace

void ConnectionPool::Lease::CancelHandle::CancelUntilReleased(
    const boost::asio::any_io_executor& executor) const {
  Request();
  auto repeated = std::make_shared<RepeatedCancel>(executor, *this);
  boost::asio::post(executor, [repeated] { repeated->Fire(); });
}

ConnectionPool::ConnectionPool(PoolOptions options, boost::asio::any_io_executor workers,
                               boost::asio::any_io_executor timers, log::Logger& logger)
    : options_(std::move(options)),
      conninfo_(BuildConninfo(options_.libpq_url)),
      workers_(std::move(workers)),
      timers_(std::move(timers)),
      logger_(logger),
      observer_(options_.observer != nullptr ? *options_.observer : null_observer_) {
  // Publishes the members above under the mutex that every acquire takes.
  // Calls arrive on gRPC threads, and Debian's gRPC is not built for
  // ThreadSanitizer, which therefore cannot see how its threads synchronise
  // with the thread that built the pool; this makes the ordering visible.
  const std::lock_guard publish(mutex_);
}

ConnectionPool::~ConnectionPool() = default;

void ConnectionPool::AsyncAcquire(const AcquireLimits& limits, ReadyHandler ready,
                                  FailedHandler failed) {
  std::unique_ptr<PooledConnection> connection;
  std::unique_ptr<PooledConnection> retiring;
  {
    const std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->expired(Clock::now())) {
        retiring = std::move(connection);  // its slot stays reserved for a new one
      }
    } else if (open_ < options_.max_connections) {
      ++open_;  // reserve the slot; the connection is opened on a worker
    } else {
      if (limits.ticket && limits.ticket->cancelled_) {
        boost::asio::post(timers_, [failed = std::move(failed)] {
          failed(std::make_exception_ptr(CallCancelled("call cancelled")));
        });
        return;
      }
      if (static_cast<int>(waiters_.size()) >= options_.max_waiters) {
        observer_.AcquireFailed(Failure::kTooManyWaiters);
        boost::asio::post(timers_, [failed = std::move(failed), waiting = waiters_.size()] {
          failed(std::make_exception_ptr(
              PoolTimeout("too many calls waiting for a database connection (" +
                          std::to_string(waiting) + ")")));
        });
        return;
      }
      auto waiter = std::make_shared<Waiter>(timers_, std::move(ready), std::move(failed));
      waiter->started = limits.wait_started;
      waiters_.push_back(waiter);
      if (limits.ticket) limits.ticket->waiter_ = waiter;
      const bool pool_limited = options_.acquire_timeout.count() > 0;
      const Clock::time_point pool_deadline =
          pool_limited ? limits.wait_started + options_.acquire_timeout : Clock::time_point::max();
      const bool call_first = limits.call_deadline && *limits.call_deadline < pool_deadline;
      if (pool_limited || call_first) {
        waiter->timer.expires_at(call_first ? *limits.call_deadline : pool_deadline);
        waiter->timer.async_wait(
            [this, waiter, call_first](const boost::system::error_code& error) {
              if (error) return;  // cancelled: the waiter got a connection
              {
                const std::lock_guard timeout_lock(mutex_);
                if (waiter->done) return;
                waiter->done = true;
                std::erase(waiters_, waiter);
              }
              observer_.AcquireFailed(call_first ? Failure::kDeadline : Failure::kPoolTimeout);
              if (call_first) {
                waiter->failed(std::make_exception_ptr(
                    DeadlineExceeded("deadline exceeded while waiting for a database connection")));
              } else {
                waiter->failed(std::make_exception_ptr(
                    PoolTimeout("no database connection became free within pool_timeout (" +
                                std::to_string(options_.acquire_timeout.count()) + " ms, pool of " +
                                std::to_string(options_.max_connections) + ")")));
              }
            });
      }
      return;
    }
  }
  if (retiring) {
    observer_.ConnectionClosed(CloseReason::kMaxLifetime);
    retiring.reset();  // closed outside the lock: closing a socket can block
  }
  auto waiter = std::make_shared<Waiter>(timers_, std::move(ready), std::move(failed));
  waiter->started = limits.wait_started;
  Grant(waiter, std::move(connection));
}

void ConnectionPool::CancelWait(WaitTicket& ticket) {
  std::shared_ptr<Waiter> waiter;
  {
    const std::lock_guard lock(mutex_);
    ticket.cancelled_ = true;
    waiter = ticket.waiter_.lock();
    if (!waiter || waiter->done) return;
    waiter->done = true;
    std::erase(waiters_, waiter);
    waiter->timer.cancel();
  }
  // Not an acquire failure for the metrics: nothing was short of connections.
  boost::asio::post(timers_, [waiter] {
    waiter->failed(std::make_exception_ptr(
        CallCancelled("call cancelled while waiting for a database connection")));
  });
}

bool ConnectionPool::Withdraw(WaitTicket& ticket) {
  Clock::duration waited{};
  {
    const std::lock_guard lock(mutex_);
    const std::shared_ptr<Waiter> waiter = ticket.waiter_.lock();
    if (!waiter || waiter->done) return false;
    waiter->done = true;
    std::erase(waiters_, waiter);
    waiter->timer.cancel();
    waited = Clock::now() - waiter->started;
  }
  // Its wait ended with a share of a connection: an acquisition for the metrics.
  observer_.ConnectionAcquired(waited);
  return true;
}

void ConnectionPool::Grant(const std::shared_ptr<Waiter>& waiter,
                           std::unique_ptr<PooledConnection> connection) {
  if (connection == nullptr) {
    boost::asio::post(workers_, [this, waiter] { OpenFor(waiter); });
    return;
  }
  // A connection handed on by a worker that just gave it back runs the next
  // waiter's work on that same worker once it is done (defer: no other
  // thread is woken and this one does not go to sleep); from any other thread
  // this is a post.
  boost::asio::defer(workers_, [this, waiter, connection = std::move(connection)]() mutable {
    observer_.ConnectionAcquired(Clock::now() - waiter->started);
    waiter->ready(Lease(this, std::move(connection), true));
  });
}

void ConnectionPool::OpenFor(const std::shared_ptr<Waiter>& waiter) {
  std::unique_ptr<PooledConnection> connection;
  std::exception_ptr failure;
  try {
    connection = Connect(Purpose::kPooled);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    std::shared_ptr<Waiter> next;
    {
      const std::lock_guard lock(mutex_);
      next = PopWaiter();  // the slot passes on: the next waiter tries to connect
      if (!next) --open_;
    }
    if (next) Grant(next, nullptr);
    observer_.AcquireFailed(Failure::kUnavailable);
    // Handed over outside the catch block and moved: this thread keeps no
    // reference to the exception that the waiter's thread may already be
    // done with (the reference counts live in uninstrumented libsupc++, so
    // TSan could not see that they order the release).
    waiter->failed(std::move(failure));
    return;
  }
  observer_.ConnectionAcquired(Clock::now() - waiter->started);
  waiter->ready(Lease(this, std::move(connection), false));
}

std::shared_ptr<ConnectionPool::Waiter> ConnectionPool::PopWaiter() {
  while (!waiters_.empty()) {
    std::shared_ptr<Waiter> waiter = std::move(waiters_.front());
    waiters_.pop_front();
    if (waiter->done) continue;
    waiter->done = true;
    waiter->timer.cancel();
    return waiter;
  }
  return nullptr;
}

PooledConnection::Clock::time_point ConnectionPool::RetireAt() const {
  if (options_.max_lifetime.count() <= 0) return Clock::time_point::max();
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<int64_t> spread(0, options_.max_lifetime.count() / 10);
  return Clock::now() + options_.max_lifetime - std::chrono::milliseconds(spread(random));
}

std::unique_ptr<PooledConnection> ConnectionPool::Connect(Purpose purpose) {
  const Clock::time_point attempt_started = Clock::now();
  if (purpose == Purpose::kPooled) {
    const std::lock_guard lock(mutex_);
    if (attempt_started < connect_not_before_) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(connect_not_before_ -
                                                                              attempt_started);
      throw DatabaseUnavailable("cannot connect to PostgreSQL (next attempt in " +
                                std::to_string(wait.count()) + " ms): " + last_connect_error_);
    }
  }
  std::unique_ptr<PooledConnection> connection;
  try {
    connection = std::make_unique<PooledConnection>(
        conninfo_,
        PooledConnection::Traits{
            .session_state = options_.session_state,
            .retire_at = purpose == Purpose::kPooled ? RetireAt() : Clock::time_point::max(),
            .statements = options_.statements});
    DisableReactivation(*connection);
    // Timestamps are UTC in this database (the Prisma app writes UTC), so the
    // column defaults (CURRENT_TIMESTAMP) must be evaluated in UTC too. Without
    // session state each transaction sets these itself (Session).
    if (options_.session_state) {
      pqxx::nontransaction setup(*connection);
      if (options_.schema.empty()) {
        setup.exec("SELECT pg_catalog.set_config('TimeZone', 'UTC', false)");
      } else {
        setup.exec_params(
            "SELECT pg_catalog.set_config('TimeZone', 'UTC', false), "
            "pg_catalog.set_config('search_path', $1, false)",
            connection->quote_name(options_.schema));
      }
      setup.commit();
    }
  } catch (const pqxx::broken_connection& error) {
    if (purpose == Purpose::kPooled) RecordConnectFailure(attempt_started, error.what());
    throw DatabaseUnavailable(std::string("cannot connect to PostgreSQL: ") + error.what());
  }
  {
    // Any success ends the backoff, unless a pooled attempt failed meanwhile.
    const std::lock_guard lock(mutex_);
    if (last_connect_failure_ < attempt_started) {
      backoff_ = std::chrono::milliseconds(0);
      connect_not_before_ = Clock::time_point{};
    }
  }
  if (purpose == Purpose::kPooled) observer_.ConnectionOpened();
  logger_.Debug("db_connection_opened", {{"backend_pid", connection->backendpid()}});
  return connection;
}

void ConnectionPool::RecordConnectFailure(Clock::time_point attempt_started,
                                          const std::string& message) {
  std::chrono::milliseconds backoff;
  {
    const std::lock_guard lock(mutex_);
    // Attempts that were under way together fail together (a database that
    // went down): only the first of them starts or grows the backoff.
    if (last_connect_failure_ >= attempt_started) return;
    const Clock::time_point now = Clock::now();
    last_connect_failure_ = now;
    backoff_ = backoff_.count() == 0 ? options_.reconnect_backoff_initial
                                     : std::min(backoff_ * 2, options_.reconnect_backoff_max);
    connect_not_before_ = now + backoff_;
    last_connect_error_ = message;
    backoff = backoff_;
  }
  // Once per backoff period at most: calls in between fail without trying.
  observer_.ConnectFailed();
  logger_.Warn("db_connect_failed",
               {{"message", message}, {"retry_after_ms", static_cast<int64_t>(backoff.count())}});
}

void ConnectionPool::Release(std::unique_ptr<PooledConnection> connection, bool discard,
                             const std::shared_ptr<CancelTarget>& cancel_target) {
  const bool broken = discard || !connection->is_open();
  const bool keep = !broken && !connection->expired(Clock::now());
  std::unique_ptr<PooledConnection> closing;
  std::shared_ptr<Waiter> next;
  {
    const std::lock_guard lock(mutex_);
    leased_.erase(cancel_target);
    if (!keep) {
      closing = std::move(connection);
      --open_;
    }
    next = PopWaiter();
    if (next) {
      if (!keep) ++open_;  // the freed slot goes to the waiter, who opens a new connection
    } else if (keep) {
      idle_.push_back(std::move(connection));
    }
  }
  if (closing)
    observer_.ConnectionClosed(broken ? CloseReason::kBroken : CloseReason::kMaxLifetime);
  if (next) Grant(next, keep ? std::move(connection) : nullptr);
  // `closing` is destroyed here, outside the lock: closing a socket can block.
}

void ConnectionPool::CancelAll() {
  std::vector<std::shared_ptr<Waiter>> cancelled;
  std::vector<std::shared_ptr<CancelTarget>> running;
  {
    const std::lock_guard lock(mutex_);
    while (std::shared_ptr<Waiter> waiter = PopWaiter()) cancelled.push_back(std::move(waiter));
    running.assign(leased_.begin(), leased_.end());
  }
  // Outside the pool's lock: each cancel is a connection to PostgreSQL.
  for (const std::shared_ptr<CancelTarget>& target : running) {
    target->Cancel(target->state.load(std::memory_order_acquire) >> 1, logger_);
  }
  for (const std::shared_ptr<Waiter>& waiter : cancelled) {
    boost::asio::post(timers_, [waiter] {
      waiter->failed(std::make_exception_ptr(DatabaseUnavailable("the server is shutting down")));
    });
  }
}

void ConnectionPool::DiscardIdle() {
  std::vector<std::unique_ptr<PooledConnection>> closing;
  {
    const std::lock_guard lock(mutex_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
  }
  for (std::size_t i = 0; i < closing.size(); ++i) observer_.ConnectionClosed(CloseReason::kStale);
}

ConnectionPool::Stats ConnectionPool::stats() const {
  const std::lock_guard lock(mutex_);
  Stats stats;
  stats.max = options_.max_connections;
  stats.open = open_;
  stats.idle = static_cast<int>(idle_.size());
  stats.in_use = open_ - stats.idle;
  stats.waiting = static_cast<int>(waiters_.size());
  return stats;
}

}  // namespace photoflow::db
