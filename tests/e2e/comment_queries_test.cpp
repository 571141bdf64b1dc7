// A page of tasks with their comments costs one comments query, not one per
// task (no N+1). Counted by pg_stat_statements in a database of the test's own.
#include <unistd.h>

#include <random>

#include <gtest/gtest.h>
#include <pqxx/nontransaction>

#include "config/config.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

// BaseDatabaseUrl() with its database name replaced.
std::string UrlForDatabase(const std::string& base, const std::string& database) {
  const size_t query = base.find('?');
  const size_t slash = base.rfind('/', query);
  return base.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : base.substr(query));
}

class ScratchDatabase {
 public:
  ScratchDatabase()
      : name_("pf_stmt_" + std::to_string(getpid()) + "_" +
              std::to_string(std::random_device()() % 100000)),
        admin_(config::ParseDatabaseUrl(testing::BaseDatabaseUrl()).libpq_url) {
    pqxx::nontransaction(admin_).exec("CREATE DATABASE " + admin_.quote_name(name_));
    url_ = UrlForDatabase(testing::BaseDatabaseUrl(), name_);
  }
  ~ScratchDatabase() {
    try {
      pqxx::nontransaction(admin_).exec("DROP DATABASE IF EXISTS " + admin_.quote_name(name_) +
                                        " WITH (FORCE)");
    } catch (const std::exception&) {
      // Left for the throwaway test cluster.
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return url_; }
  // Calls of statements on task_comments in this database so far.
  long CommentQueryCalls() {
    return pqxx::nontransaction(admin_)
        .exec_params(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) "
            "AND query LIKE '%FROM task_comments%'",
            name_)[0][0]
        .as<long>();
  }
  bool HasStatementStatistics() {
    return pqxx::nontransaction(admin_)
               .exec("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")[0][0]
               .as<int>() == 1;
  }

 private:
  std::string name_;
  std::string url_;
  pqxx::connection admin_;
};

TEST(CommentQueriesTest, APageOfTasksWithCommentsRunsOneCommentsQuery) {
  ScratchDatabase database;
  ASSERT_TRUE(database.HasStatementStatistics())
      << "this test counts statements with pg_stat_statements, which deploy/local/pg.sh "
         "enables; enable it in the database DATABASE_URL names";
  const config::DatabaseUrl url = config::ParseDatabaseUrl(database.url());
  migrate::Migrator(url.libpq_url, url.schema)
      .Deploy(migrate::LoadMigrationFiles(config::DefaultMigrationsDir()));
  {
    pqxx::connection connection(url.libpq_url);
    pqxx::nontransaction(connection)
        .exec(
            "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status, "
            "amount_of_comments) SELECT now(), 'task ' || i, '', 'Scheduled', 3 "
            "FROM generate_series(1, 100) AS i; "
            "INSERT INTO task_comments (task_id, comment) "
            "SELECT id, 'comment ' || n FROM \"Tasks\", generate_series(1, 3) AS n");
  }
  testing::TestServer server(testing::TestConfig(database.url()));

  const long before = database.CommentQueryCalls();
  v1::ListTasksRequest request;
  request.set_page_size(100);
  request.mutable_read_mask()->add_paths("id");
  request.mutable_read_mask()->add_paths("comments");
  v1::ListTasksResponse page;
  grpc::ClientContext context;
  ASSERT_TRUE(server.tasks().ListTasks(&context, request, &page).ok());
  const long after = database.CommentQueryCalls();

  ASSERT_EQ(page.tasks_size(), 100);
  for (const v1::Task& task : page.tasks()) EXPECT_EQ(task.comments_size(), 3) << task.id();
  EXPECT_EQ(after - before, 1) << "comments of the whole page must come from one query";
}

}  // namespace
}  // namespace photoflow
