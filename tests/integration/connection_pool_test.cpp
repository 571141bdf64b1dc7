// The connection pool on its own, against the real PostgreSQL: prepared
// statements per connection, PgBouncer mode, maximum lifetime, reconnect
// backoff.
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>
#include <pqxx/nontransaction>

#include "db/errors.hpp"
#include "db/pool.hpp"
#include "db/query.hpp"
#include "db/session.hpp"
#include "db/transaction.hpp"
#include "support/pool_lease.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

class CountingObserver final : public db::PoolObserver {
 public:
  void ConnectionAcquired(std::chrono::steady_clock::duration /*waited*/) override { ++acquired; }
  void AcquireFailed(AcquireFailure /*failure*/) override { ++failed; }
  void ConnectionOpened() override { ++opened; }
  void ConnectionClosed(CloseReason reason) override {
    if (reason == CloseReason::kMaxLifetime) ++retired;
  }
  void ConnectFailed() override { ++connect_failures; }

  std::atomic<int> acquired{0};
  std::atomic<int> failed{0};
  std::atomic<int> opened{0};
  std::atomic<int> retired{0};
  std::atomic<int> connect_failures{0};
};

class ConnectionPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<db::ConnectionPool> MakePool(db::PoolOptions options) {
    options.observer = &observer_;
    return std::make_unique<db::ConnectionPool>(std::move(options), workers_.get_executor(),
                                                timers_.get_executor(), logger_);
  }
  db::PoolOptions OptionsFor(const testing::TestSchema& schema) {
    const config::DatabaseUrl url = schema.parsed_url();
    return db::PoolOptions{.libpq_url = url.libpq_url, .schema = url.schema, .max_connections = 2};
  }

  static std::string Query(pqxx::connection_base& connection, const std::string& sql) {
    return pqxx::nontransaction(connection).exec(sql)[0][0].c_str();
  }

  std::ostringstream log_output_;
  log::Logger logger_{log_output_, log::Level::kInfo};
  CountingObserver observer_;
  // Timers first: the workers are joined (destroyed) before the timers'
  // context, since a worker may still drop a waiter, and with it its timer.
  boost::asio::thread_pool timers_{1};
  boost::asio::thread_pool workers_{2};
};

TEST_F(ConnectionPoolTest, StatementsArePreparedOncePerConnection) {
  testing::TestSchema schema;
  auto pool = MakePool(OptionsFor(schema));
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  db::Session session(*pool, lease, std::nullopt);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(session.Read([&](db::Transaction& txn) {
      return txn.Exec(db::Query{"SELECT $1::int + 1", "test_add_one"}, i)[0][0].as<int>();
    }),
              i + 1);
  }
  EXPECT_EQ(Query(lease.connection(),
                  "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int "
                  "+ 1'"),
            "1");
  EXPECT_EQ(Query(lease.connection(), "SELECT current_setting('TimeZone')"), "UTC")
      << "session settings are made once, when the connection opens";
}

// Records what a StatementObserver hears, in order.
class RecordingStatements final : public db::StatementObserver {
 public:
  void StatementFinished(std::string_view name, std::chrono::steady_clock::duration /*elapsed*/,
                         bool failed) override {
    const std::lock_guard lock(mutex);
    heard.emplace_back(std::string(name) + (failed ? " failed" : " ok"));
  }
  std::mutex mutex;
  std::vector<std::string> heard;
};

TEST_F(ConnectionPoolTest, EveryStatementIsReportedByNameAndPreparedUnderIt) {
  testing::TestSchema schema;
  RecordingStatements statements;
  db::PoolOptions options = OptionsFor(schema);
  options.statements = &statements;
  auto pool = MakePool(options);
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  db::Session session(*pool, lease, std::nullopt);
  constexpr db::Query kAddOne{"SELECT $1::int + 1", "test_add_one"};
  constexpr db::Query kDivideByZero{"SELECT 1 / $1::int", "test_divide"};
  EXPECT_EQ(
      session.Read([&](db::Transaction& txn) { return txn.Exec(kAddOne, 1)[0][0].as<int>(); }), 2);
  EXPECT_THROW(session.Read([&](db::Transaction& txn) { txn.Exec(kDivideByZero, 0); }),
               pqxx::data_exception);
  EXPECT_EQ(session.last_query(), "test_divide") << "a failure names its statement";
  EXPECT_EQ(statements.heard, (std::vector<std::string>{"test_add_one ok", "test_divide failed"}));
  EXPECT_EQ(Query(lease.connection(),
                  "SELECT string_agg(name, ',' ORDER BY name) FROM pg_prepared_statements"),
            "test_add_one,test_divide");
}

// PostgreSQL drops a cancel request that finds the backend idle, so a call
// cancelled between two statements must not send the next one.
TEST_F(ConnectionPoolTest, ACancelledLeaseSendsNoFurtherStatement) {
  testing::TestSchema schema;
  RecordingStatements statements;
  db::PoolOptions options = OptionsFor(schema);
  options.statements = &statements;
  auto pool = MakePool(options);
  constexpr db::Query kSelectOne{"SELECT 1", "test_select_one"};
  {
    db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
    db::Session session(*pool, lease, std::nullopt);
    EXPECT_THROW(session.Read([&](db::Transaction& txn) {
      txn.Exec(kSelectOne);
      lease.cancel_handle().Request();  // as OnCancel does, between two statements
      txn.Exec(kSelectOne);
    }),
                 db::CallCancelled);
    EXPECT_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }),
                 db::CallCancelled);
  }
  EXPECT_EQ(statements.heard, (std::vector<std::string>{"test_select_one ok"}));
  // The flag belonged to that lease: the connection's next call runs.
  db::ConnectionPool::Lease next = testing::AcquireLease(*pool);
  db::Session session(*pool, next, std::nullopt);
  EXPECT_NO_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }));
}

// Calls of a batch may run on one lease in turn (each retried alone): a cancel
// meant for one of them never refuses or cancels the ones after it.
TEST_F(ConnectionPoolTest, ACancelOfAnEarlierCallOnTheLeaseLeavesTheNextCallAlone) {
  testing::TestSchema schema;
  auto pool = MakePool(OptionsFor(schema));
  constexpr db::Query kSelectOne{"SELECT 1", "test_select_one"};
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  db::Session session(*pool, lease, std::nullopt);
  lease.BeginCall();
  const db::ConnectionPool::Lease::CancelHandle first = lease.cancel_handle();
  first.Request();
  EXPECT_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }),
               db::CallCancelled);

  lease.BeginCall();
  EXPECT_NO_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }))
      << "the next call starts unflagged";
  first.Request();  // late, as a repeated cancel would be
  EXPECT_FALSE(first.Cancel()) << "a handle of an earlier call no longer acts";
  EXPECT_NO_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }));

  lease.cancel_handle().Request();  // the current call's own cancel still works
  EXPECT_THROW(session.ReadStatement([&](db::Transaction& txn) { txn.Exec(kSelectOne); }),
               db::CallCancelled);
}

// ReadStatement sends the statement alone (one round trip), so PostgreSQL
// runs it in an implicit transaction with the server's defaults; a Read
// first sends BEGIN with SET TRANSACTION REPEATABLE READ, READ ONLY.
TEST_F(ConnectionPoolTest, ReadStatementRunsWithoutBeginAndCommit) {
  testing::TestSchema schema;
  auto pool = MakePool(OptionsFor(schema));
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  db::Session session(*pool, lease, std::chrono::steady_clock::now() + 30s);
  constexpr db::Query kTransactionMode{
      "SELECT current_setting('transaction_isolation') || ' ' || "
      "current_setting('transaction_read_only')",
      "test_transaction_mode"};
  auto mode = [&](db::Transaction& txn) {
    return txn.Exec(kTransactionMode)[0][0].as<std::string>();
  };
  EXPECT_EQ(session.ReadStatement(mode), "read committed off");
  EXPECT_EQ(session.Read(mode), "repeatable read on");
}

TEST_F(ConnectionPoolTest, PgBouncerModePreparesNothingAndKeepsNoSessionState) {
  testing::TestSchema schema;
  db::PoolOptions options = OptionsFor(schema);
  options.session_state = false;
  auto pool = MakePool(options);
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  db::Session session(*pool, lease, std::chrono::steady_clock::now() + 30s);
  const auto [schema_in_transaction, time_zone, timeout] = session.Read([&](db::Transaction& txn) {
    const pqxx::row row =
        txn.Exec(db::Query{"SELECT current_schema(), "
                           "current_setting('TimeZone'), "
                           "current_setting('statement_timeout')",
                           "test_settings"})[0];
    return std::make_tuple(row[0].as<std::string>(), row[1].as<std::string>(),
                           row[2].as<std::string>());
  });
  EXPECT_EQ(schema_in_transaction, schema.name());
  EXPECT_EQ(time_zone, "UTC");
  EXPECT_NE(timeout, "0") << "the deadline still bounds the statements";
  // Behind PgBouncer the next transaction may run on another server session:
  // nothing may be left on this one.
  EXPECT_EQ(Query(lease.connection(), "SELECT count(*) FROM pg_prepared_statements"), "0");
  EXPECT_NE(Query(lease.connection(), "SELECT current_schema()"), schema.name());
  EXPECT_EQ(Query(lease.connection(), "SELECT current_setting('statement_timeout')"), "0");
}

TEST_F(ConnectionPoolTest, ConnectionsPastTheirLifetimeAreReplaced) {
  testing::TestSchema schema;
  db::PoolOptions options = OptionsFor(schema);
  options.max_lifetime = 1ms;
  auto pool = MakePool(options);
  std::string first_backend;
  {
    db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
    first_backend = Query(lease.connection(), "SELECT pg_backend_pid()");
    // The lifetime is what is under test: the connection must be older than it.
    const auto opened = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < opened + 2ms) {
      Query(lease.connection(), "SELECT 1");
    }
  }
  EXPECT_EQ(observer_.retired, 1) << "returned past its lifetime, it was closed";
  EXPECT_EQ(pool->stats().open, 0);
  db::ConnectionPool::Lease lease = testing::AcquireLease(*pool);
  EXPECT_NE(Query(lease.connection(), "SELECT pg_backend_pid()"), first_backend);
  EXPECT_EQ(observer_.opened, 2);
}

TEST_F(ConnectionPoolTest, AfterAFailedConnectCallsFailAtOnceUntilTheBackoffEnds) {
  db::PoolOptions options;
  // Port 1 on loopback: nothing listens there.
  options.libpq_url = "postgresql://photoflow:photoflow@127.0.0.1:1/photoflow";
  options.max_connections = 2;
  options.reconnect_backoff_initial = 60s;
  auto pool = MakePool(options);
  EXPECT_THROW(testing::AcquireLease(*pool), db::DatabaseUnavailable);
  EXPECT_EQ(observer_.connect_failures, 1);
  try {
    testing::AcquireLease(*pool);
    ADD_FAILURE() << "the second call must fail too";
  } catch (const db::DatabaseUnavailable& error) {
    EXPECT_NE(std::string(error.what()).find("next attempt in"), std::string::npos) << error.what();
  }
  EXPECT_EQ(observer_.connect_failures, 1) << "no second connection attempt during the backoff";
  EXPECT_EQ(observer_.failed, 2);
  EXPECT_EQ(pool->stats().open, 0) << "failed attempts hold no slot";
}

// A server that accepts connections but never answers (a hung PostgreSQL):
// connection attempts to it overlap and then time out together.
class SilentServer {
 public:
  SilentServer() : socket_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(socket_, 16) != 0 ||
        getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen");
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { close(socket_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int socket_;
  int port_ = 0;
};

// Attempts under way together fail together (PostgreSQL went away or hangs):
// they count as one failure, so the backoff starts at its first step instead
// of doubling once per connection.
TEST_F(ConnectionPoolTest, AttemptsThatFailTogetherCountOnce) {
  SilentServer silent;
  db::PoolOptions options;
  // libpq's shortest connect_timeout is 2 s.
  options.libpq_url =
      "postgresql://photoflow:photoflow@127.0.0.1:" + std::to_string(silent.port()) +
      "/photoflow?connect_timeout=2";
  options.max_connections = 4;
  options.reconnect_backoff_initial = 60s;
  auto pool = MakePool(options);
  std::vector<std::future<void>> calls;
  calls.reserve(4);
  for (int i = 0; i < 4; ++i) {
    calls.push_back(std::async(std::launch::async, [&] { testing::AcquireLease(*pool); }));
  }
  for (std::future<void>& call : calls) EXPECT_THROW(call.get(), db::DatabaseUnavailable);
  EXPECT_EQ(observer_.connect_failures, 1);
  EXPECT_EQ(observer_.failed, 4);
  EXPECT_EQ(pool->stats().open, 0);
  const std::string log = log_output_.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << "one db_connect_failed line: " << log;
}

}  // namespace
}  // namespace photoflow
