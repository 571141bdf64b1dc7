// The service behind a real PgBouncer in transaction mode, where consecutive
// transactions of one client connection may run on different server
// connections and one server connection serves many clients. With
// ?pgbouncer=true everything works; without it, prepared statements collide.
#include <sys/stat.h>
#include <unistd.h>

#include <future>
#include <regex>
#include <utility>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "db/pool.hpp"
#include "db/query.hpp"
#include "db/session.hpp"
#include "db/transaction.hpp"
#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/pool_lease.hpp"
#include "support/temp_dir.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

// Far from UTC, so a row stamped in the server's session time zone instead of
// the UTC the tables hold is off by hours.
constexpr const char* kServerTimeZone = "Pacific/Kiritimati";

// A PgBouncer (Debian's /usr/sbin/pgbouncer) in front of the test database,
// in transaction mode with a single server connection whose session time zone
// is kServerTimeZone.
class PgBouncer {
 public:
  PgBouncer() : port_(testing::FreePort()) {
    // user:password@host:port/database of the database under test.
    const std::string base = testing::BaseDatabaseUrl();
    std::smatch match;
    if (!std::regex_search(base, match,
                           std::regex(R"(://([^:@/]+):([^@/]*)@([^:/?]+):(\d+)/([^?]+))"))) {
      throw std::runtime_error("DATABASE_URL is not user:password@host:port/database");
    }
    const std::string database = match[5].str();
    // PgBouncer refuses to run as root; as postgres it must still read its files.
    chmod(dir_.path().c_str(), 0755);
    // The owner (for the tests' own checks) and the application role the
    // service connects as.
    dir_.Write("userlist.txt", "\"" + match[1].str() + "\" \"" + match[2].str() + "\"\n\"" +
                                   testing::kAppRole + "\" \"" + testing::kAppRole + "\"\n");
    dir_.Write("pgbouncer.ini", "[databases]\n" + database + " = host=" + match[3].str() +
                                    " port=" + match[4].str() + " dbname=" + database +
                                    " timezone=" + kServerTimeZone +
                                    "\n"
                                    "[pgbouncer]\n"
                                    "listen_addr = 127.0.0.1\n"
                                    "listen_port = " +
                                    std::to_string(port_) +
                                    "\n"
                                    "unix_socket_dir =\n"
                                    "auth_type = trust\n"
                                    "auth_file = " +
                                    (dir_.path() / "userlist.txt").string() +
                                    "\n"
                                    "pool_mode = transaction\n"
                                    "default_pool_size = 1\n"
                                    "max_client_conn = 100\n");
    const std::string ini = (dir_.path() / "pgbouncer.ini").string();
    // PgBouncer drops root itself (-u), so the child we kill at the end is
    // PgBouncer and not a runuser that would leave it running.
    std::vector<std::string> args{ini};
    if (geteuid() == 0) args = {"-u", "postgres", ini};
    process_ = std::make_unique<testing::ChildProcess>(kBinary, args);
    if (!process_->WaitForLine("process up", 30s)) {
      throw std::runtime_error("PgBouncer did not start: " + process_->Output());
    }
  }

  // `schema_url` (a TestSchema URL) with its host and port replaced by PgBouncer's.
  std::string Through(const std::string& schema_url) const {
    return std::regex_replace(schema_url, std::regex(R"(@[^:/?]+:\d+/)"),
                              "@127.0.0.1:" + std::to_string(port_) + "/");
  }

 private:
  static constexpr const char* kBinary = "/usr/sbin/pgbouncer";
  testing::TempDir dir_;
  int port_;
  std::unique_ptr<testing::ChildProcess> process_;
};

v1::Task NewTask(int number) {
  v1::Task task;
  task.set_title("Shoot " + std::to_string(number));
  task.set_status("Scheduled");
  task.mutable_due_at()->set_seconds(1'900'000'000 + number);
  return task;
}

TEST(PgBouncerTest, EveryCallWorksInTransactionModeWithPgbouncerTrue) {
  testing::TestSchema schema;
  PgBouncer bouncer;
  // The precondition the time-zone check below relies on.
  {
    pqxx::connection direct(config::ParseDatabaseUrl(bouncer.Through(schema.url())).libpq_url);
    pqxx::nontransaction probe(direct);
    ASSERT_EQ(probe.exec1("SHOW TimeZone")[0].as<std::string>(), kServerTimeZone);
  }
  testing::TestServer server(
      testing::TestConfig(bouncer.Through(schema.url()) + "&pgbouncer=true&connection_limit=4"));

  // 8 clients at once over 4 pooled connections and 1 server connection.
  std::vector<std::future<void>> clients;
  clients.reserve(8);
  for (int client = 0; client < 8; ++client) {
    clients.push_back(std::async(std::launch::async, [&server, client] {
      for (int i = 0; i < 5; ++i) {
        v1::CreateTaskRequest create;
        *create.mutable_task() = NewTask(client * 100 + i);
        grpc::ClientContext create_context;
        create_context.set_deadline(std::chrono::system_clock::now() + 30s);
        v1::Task created;
        const grpc::Status created_status =
            server.tasks().CreateTask(&create_context, create, &created);
        ASSERT_TRUE(created_status.ok()) << created_status.error_message();

        v1::GetTaskRequest get;
        get.set_id(created.id());
        grpc::ClientContext get_context;
        v1::Task read;
        const grpc::Status read_status = server.tasks().GetTask(&get_context, get, &read);
        ASSERT_TRUE(read_status.ok()) << read_status.error_message();
        EXPECT_EQ(read.due_at().seconds(), created.due_at().seconds());
        EXPECT_EQ(read.created_at().seconds(), created.created_at().seconds());
      }
    }));
  }
  for (std::future<void>& client : clients) client.get();

  v1::ListTasksRequest list;
  list.set_page_size(100);
  list.set_filter("title = \"Shoot 304\"");
  grpc::ClientContext list_context;
  v1::ListTasksResponse page;
  const grpc::Status listed = server.tasks().ListTasks(&list_context, list, &page);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(page.tasks_size(), 1);
  // Every row landed in the test's schema (search_path set per transaction).
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "40");
  // created_at defaults to CURRENT_TIMESTAMP, evaluated in the transaction's
  // time zone: UTC, although the server connection's own is 14 hours ahead.
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\" WHERE abs(extract(epoch FROM "
                              "(now() AT TIME ZONE 'UTC') - created_at)) > 600"),
            "0");
}

// The control: the same pool without ?pgbouncer=true prepares statements on
// what it takes for its own session, and the second client connection
// collides with the first one's on PgBouncer's single server connection.
// (Debian bookworm's PgBouncer 1.18; from 1.21 PgBouncer can track prepared
// statements itself, max_prepared_statements, and this would need it off.)
TEST(PgBouncerTest, WithoutPgbouncerTruePreparedStatementsCollide) {
  testing::TestSchema schema;
  PgBouncer bouncer;
  const config::DatabaseUrl url = config::ParseDatabaseUrl(bouncer.Through(schema.url()));
  std::ostringstream log_output;
  log::Logger logger(log_output, log::Level::kError);
  boost::asio::thread_pool timers(1);  // outlives the workers, which may hold timers
  boost::asio::thread_pool workers(2);
  auto run_twice = [&](bool session_state) {
    db::ConnectionPool pool(db::PoolOptions{.libpq_url = url.libpq_url,
                                            .schema = url.schema,
                                            .max_connections = 2,
                                            .session_state = session_state},
                            workers.get_executor(), timers.get_executor(), logger);
    db::ConnectionPool::Lease first = testing::AcquireLease(pool);
    db::ConnectionPool::Lease second = testing::AcquireLease(pool);
    for (db::ConnectionPool::Lease* lease : {&first, &second}) {
      db::Session session(pool, *lease, std::nullopt);
      session.Read([](db::Transaction& txn) {
        return txn
            .Exec(db::Query{R"sql(SELECT count(*) FROM "Tasks")sql", "test_count_tasks"})[0][0]
            .as<int>();
      });
    }
  };
  EXPECT_NO_THROW(run_twice(/*session_state=*/false));
  try {
    run_twice(/*session_state=*/true);
    ADD_FAILURE() << "prepared statements behind PgBouncer in transaction mode must collide";
  } catch (const pqxx::sql_error& error) {
    EXPECT_EQ(error.sqlstate(), "42P05") << error.what();  // duplicate_prepared_statement
  }
}

}  // namespace
}  // namespace photoflow
