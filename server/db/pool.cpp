#include "db/pool.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>

#include "db/errors.hpp"

namespace photoflow::db {
namespace {

// Adds libpq defaults the URL does not set: a bounded connect time (a
// black-holed host must not hang a worker for minutes) and a name that shows
// up in pg_stat_activity.
std::string BuildConninfo(const std::string& url) {
  std::string conninfo = url;
  auto add_default = [&conninfo](const std::string& key, const std::string& value) {
    if (conninfo.find(key + "=") != std::string::npos) return;
    conninfo += conninfo.find('?') == std::string::npos ? '?' : '&';
    conninfo += key + "=" + value;
  };
  add_default("connect_timeout", "5");
  add_default("fallback_application_name", "photoflow");
  return conninfo;
}

}  // namespace

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection,
                             bool reused)
    : pool_(pool), connection_(std::move(connection)), reused_(reused) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      reused_(other.reused_),
      discard_(other.discard_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Release(std::move(connection_), discard_);
}

ConnectionPool::ConnectionPool(PoolOptions options, log::Logger& logger)
    : options_(std::move(options)), conninfo_(BuildConninfo(options_.libpq_url)), logger_(logger) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease ConnectionPool::Acquire(std::optional<Clock::time_point> deadline) {
  std::unique_lock lock(mutex_);
  const bool pool_limited = options_.acquire_timeout.count() > 0;
  const Clock::time_point pool_deadline =
      pool_limited ? Clock::now() + options_.acquire_timeout : Clock::time_point::max();
  const Clock::time_point wait_until =
      deadline ? std::min(*deadline, pool_deadline) : pool_deadline;

  ++waiting_;
  const bool ready = available_.wait_until(
      lock, wait_until, [this] { return !idle_.empty() || open_ < options_.max_connections; });
  --waiting_;
  if (!ready) {
    if (deadline && *deadline <= pool_deadline) {
      throw DeadlineExceeded("deadline exceeded while waiting for a database connection");
    }
    throw PoolTimeout("no database connection became free within pool_timeout (" +
                      std::to_string(options_.acquire_timeout.count()) + " ms, pool of " +
                      std::to_string(options_.max_connections) + ")");
  }
  if (!idle_.empty()) {
    std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection), /*reused=*/true);
  }
  ++open_;  // reserve the slot before connecting without the lock held
  lock.unlock();
  try {
    return Lease(this, Connect(), /*reused=*/false);
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

std::unique_ptr<pqxx::connection> ConnectionPool::Connect() {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(conninfo_);
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseUnavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
  }
  if (!options_.schema.empty()) {
    pqxx::nontransaction setup(*connection);
    setup.exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                      connection->quote_name(options_.schema));
  }
  logger_.Debug("db_connection_opened", {{"backend_pid", connection->backendpid()}});
  return connection;
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> connection, bool discard) {
  const bool keep = !discard && connection->is_open();
  std::unique_ptr<pqxx::connection> closing;
  {
    const std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
      closing = std::move(connection);
    }
  }
  available_.notify_one();
  // `closing` is destroyed here, outside the lock: closing a socket can block.
}

void ConnectionPool::DiscardIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> closing;
  {
    const std::lock_guard lock(mutex_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
  }
  available_.notify_all();
}

ConnectionPool::Stats ConnectionPool::stats() const {
  const std::lock_guard lock(mutex_);
  Stats stats;
  stats.max = options_.max_connections;
  stats.open = open_;
  stats.idle = static_cast<int>(idle_.size());
  stats.in_use = open_ - stats.idle;
  stats.waiting = waiting_;
  return stats;
}

}  // namespace photoflow::db
