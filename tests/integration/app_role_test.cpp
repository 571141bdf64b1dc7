// deploy/sql/app-role.sql: the role the service runs as may read and write
// rows, and nothing else: no DDL, no TRUNCATE, no migration history. (Every
// e2e test's server connects as this role, which proves it is enough.)
#include <string>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using testing::TestSchema;

// A connection as the application role, its search_path on the schema.
std::unique_ptr<pqxx::connection> ConnectAsAppRole(const TestSchema& schema) {
  auto connection =
      std::make_unique<pqxx::connection>(config::ParseDatabaseUrl(schema.url()).libpq_url);
  pqxx::nontransaction(*connection)
      .exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                   connection->quote_name(schema.name()));
  return connection;
}

TEST(AppRoleTest, TheServiceRoleIsNotTheOwner) {
  TestSchema schema;
  auto connection = ConnectAsAppRole(schema);
  EXPECT_EQ(pqxx::nontransaction(*connection).exec1("SELECT current_user")[0].as<std::string>(),
            testing::kAppRole);
}

TEST(AppRoleTest, ReadsAndWritesRowsOfEveryTableTheServiceUses) {
  TestSchema schema;
  auto connection = ConnectAsAppRole(schema);
  pqxx::nontransaction work(*connection);
  const int task_id =
      work.exec1(
              "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) "
              "VALUES (now(), 'Role check', '', 'New') RETURNING id")[0]
          .as<int>();
  work.exec_params("INSERT INTO task_comments (task_id, comment) VALUES ($1, 'ok')", task_id);
  work.exec_params("UPDATE \"Tasks\" SET task = 'Role check 2' WHERE id = $1", task_id);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM photoflow_request_ids")[0].as<int>(), 0);
  work.exec_params("DELETE FROM \"Tasks\" WHERE id = $1", task_id);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST(AppRoleTest, MayNotChangeTheSchemaTruncateOrReadTheMigrationHistory) {
  TestSchema schema;
  for (const char* sql : {
           "DROP TABLE task_comments",
           "TRUNCATE \"Tasks\" CASCADE",
           "ALTER TABLE \"Tasks\" ADD COLUMN sneaky integer",
           "CREATE TABLE stolen (id integer)",
           "CREATE INDEX sneaky_idx ON \"Tasks\" (task)",
           "SELECT count(*) FROM _prisma_migrations",
           "DELETE FROM _prisma_migrations",
       }) {
    auto connection = ConnectAsAppRole(schema);
    pqxx::nontransaction work(*connection);
    EXPECT_THROW(work.exec(sql), pqxx::insufficient_privilege) << sql;
  }
  EXPECT_NE(schema.QueryValue("SELECT count(*) FROM _prisma_migrations"), "0");
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM information_schema.columns WHERE "
                              "table_schema = current_schema() AND column_name = 'sneaky'"),
            "0");
}

TEST(AppRoleTest, TablesOfLaterMigrationsAreUsableWithoutRunningTheScriptAgain) {
  TestSchema schema;
  // A later migration, run by the owner.
  {
    auto owner = schema.Connect();
    pqxx::nontransaction(*owner).exec(
        "CREATE TABLE later_table (id serial PRIMARY KEY, note text)");
  }
  auto connection = ConnectAsAppRole(schema);
  pqxx::nontransaction work(*connection);
  EXPECT_EQ(work.exec1("INSERT INTO later_table (note) VALUES ('x') RETURNING id")[0].as<int>(), 1);
}

}  // namespace
}  // namespace photoflow
