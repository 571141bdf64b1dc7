// The photoflow-migrate binary as operators and Kubernetes Jobs run it.
#include <sstream>

#include <gtest/gtest.h>
#include <pqxx/nontransaction>

#include "migrate/migration_files.hpp"
#include "support/child_process.hpp"
#include "support/prisma_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::TempDir;
using testing::TestSchema;

constexpr auto kTimeout = 60s;

using testing::PrismaInitSql;

class MigrateCliTest : public ::testing::Test {
 protected:
  MigrateCliTest() {
    dir_.Write("20260301000000_init/migration.sql", PrismaInitSql());
    dir_.Write("20260302000000_add_notes/migration.sql", "CREATE TABLE photoflow_notes (id int);");
    dir_.Write("20260303000000_add_tags/migration.sql", "CREATE TABLE photoflow_tags (id int);");
  }

  // Runs photoflow-migrate against this test's schema and migrations folder.
  std::unique_ptr<ChildProcess> Start(std::vector<std::string> args) {
    args.insert(args.begin(), {"--migrations", dir_.path().string()});
    return std::make_unique<ChildProcess>(
        PHOTOFLOW_MIGRATE_BINARY, args,
        std::map<std::string, std::string>{{"DATABASE_URL", schema_.url()},
                                           {"PHOTOFLOW_MIGRATIONS_DIR", ""}});
  }

  // Exit code and output of a finished run.
  std::pair<int, std::string> Run(std::vector<std::string> args) {
    auto process = Start(std::move(args));
    const std::optional<int> code = process->WaitForExit(kTimeout);
    return {code.value_or(-1), process->Output()};
  }

  TempDir dir_;
  TestSchema schema_{/*migrate=*/false};
};

TEST_F(MigrateCliTest, DeployAppliesThenReportsUpToDate) {
  const auto [first_code, first] = Run({"deploy"});
  EXPECT_EQ(first_code, 0) << first;
  EXPECT_NE(first.find("applied 20260301000000_init in "), std::string::npos) << first;
  EXPECT_NE(first.find("applied 20260303000000_add_tags in "), std::string::npos) << first;
  const auto [second_code, second] = Run({"deploy"});
  EXPECT_EQ(second_code, 0) << second;
  EXPECT_NE(second.find("database is up to date"), std::string::npos) << second;
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"_prisma_migrations\""), "3");
}

TEST_F(MigrateCliTest, ConcurrentDeploysApplyEachMigrationOnceAndAllSucceed) {
  std::vector<std::unique_ptr<ChildProcess>> deployers;
  deployers.reserve(4);
  for (int i = 0; i < 4; ++i) deployers.push_back(Start({"deploy"}));
  int applied_lines = 0;
  for (auto& deployer : deployers) {
    EXPECT_EQ(deployer->WaitForExit(kTimeout), 0) << deployer->Output();
    std::istringstream lines(deployer->Output());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("applied ", 0) == 0) ++applied_lines;
    }
  }
  EXPECT_EQ(applied_lines, 3) << "each migration applied by exactly one deployer";
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"_prisma_migrations\""), "3");
  EXPECT_EQ(schema_.QueryValue("SELECT count(DISTINCT migration_name) FROM \"_prisma_migrations\" "
                               "WHERE finished_at IS NOT NULL"),
            "3");
}

TEST_F(MigrateCliTest, StatusExitsZeroOnlyWhenUpToDate) {
  const auto [pending_code, pending] = Run({"status"});
  EXPECT_EQ(pending_code, 1) << pending;
  EXPECT_NE(pending.find("3 pending"), std::string::npos) << pending;

  ASSERT_EQ(Run({"deploy"}).first, 0);
  const auto [json_code, json] = Run({"status", "--json"});
  EXPECT_EQ(json_code, 0) << json;
  EXPECT_EQ(json.rfind(R"({"up_to_date":true,"migrations":[)", 0), 0U) << json;

  dir_.Write("20260302000000_add_notes/migration.sql", "CREATE TABLE photoflow_notes (id bigint);");
  const auto [modified_code, modified] = Run({"status"});
  EXPECT_EQ(modified_code, 1) << modified;
  EXPECT_NE(modified.find("modified"), std::string::npos) << modified;
  const auto [deploy_code, deploy] = Run({"deploy"});
  EXPECT_EQ(deploy_code, 1) << deploy;
  EXPECT_NE(deploy.find("20260302000000_add_notes"), std::string::npos) << deploy;
}

TEST_F(MigrateCliTest, FailedMigrationIsResolvedFromTheCommandLine) {
  dir_.Write("20260304000000_broken/migration.sql", "SELECT no_such_column FROM photoflow_tags;");
  const auto [failed_code, failed] = Run({"deploy"});
  EXPECT_EQ(failed_code, 1) << failed;
  EXPECT_NE(failed.find("20260304000000_broken failed"), std::string::npos) << failed;
  const auto [blocked_code, blocked] = Run({"deploy"});
  EXPECT_EQ(blocked_code, 1);
  EXPECT_NE(blocked.find("resolve --rolled-back 20260304000000_broken"), std::string::npos)
      << blocked;

  EXPECT_EQ(Run({"resolve", "--rolled-back", "20260304000000_broken"}).first, 0);
  dir_.Write("20260304000000_broken/migration.sql", "SELECT id FROM photoflow_tags;");
  EXPECT_EQ(Run({"deploy"}).first, 0);
  EXPECT_EQ(Run({"status"}).first, 0);
}

TEST_F(MigrateCliTest, LockHeldByAnotherDeployerTimesOutWithExitOne) {
  auto other = schema_.Connect();
  pqxx::nontransaction(*other).exec("SELECT pg_advisory_lock(72707369)");
  const auto [code, output] = Run({"--lock-timeout", "0.3", "deploy"});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("could not take the migration lock"), std::string::npos) << output;
  EXPECT_EQ(schema_.QueryValue("SELECT to_regclass('\"Tasks\"') IS NULL"), "t");
}

TEST_F(MigrateCliTest, ResetRefusesWithoutForce) {
  ASSERT_EQ(Run({"deploy"}).first, 0);
  schema_.QueryValue("INSERT INTO photoflow_notes VALUES (1) RETURNING id");
  const auto [refused_code, refused] = Run({"reset"});
  EXPECT_EQ(refused_code, 2) << refused;
  EXPECT_NE(refused.find("--force"), std::string::npos) << refused;
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM photoflow_notes"), "1");

  EXPECT_EQ(Run({"reset", "--force"}).first, 0);
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM photoflow_notes"), "0");
}

TEST_F(MigrateCliTest, NewCreatesATimestampedFolder) {
  const auto [code, output] = Run({"new", "add_priority"});
  EXPECT_EQ(code, 0) << output;
  const auto files = migrate::LoadMigrationFiles(dir_.path());
  ASSERT_EQ(files.size(), 4U);
  EXPECT_TRUE(files.back().name.ends_with("_add_priority")) << files.back().name;
  EXPECT_EQ(Run({"new", "Add-Priority"}).first, 2);
  EXPECT_EQ(migrate::LoadMigrationFiles(dir_.path()).size(), 4U);
}

TEST_F(MigrateCliTest, UsageErrorsExitTwoWithAClearMessageAndTouchNothing) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad_calls = {
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{}, "no command given"},
      {{"deploy", "extra"}, "too many arguments"},
      {{"deploy", "--bogus"}, "unknown option '--bogus'"},
      {{"resolve"}, "exactly one of --applied NAME or --rolled-back NAME"},
      {{"resolve", "--applied", "x", "--rolled-back", "y"}, "exactly one of"},
      {{"resolve", "--rolled-back", "not-a-name"}, "'not-a-name' is not a migration name"},
      {{"resolve", "--applied", "20260309000000_unknown"}, "no migration folder named"},
      {{"status", "--force"}, "--force belongs to `reset`"},
      {{"deploy", "--json"}, "--json belongs to `status`"},
      {{"deploy", "--lock-timeout", "soon"}, "--lock-timeout must be a number of seconds"},
      {{"deploy", "--migrations"}, "--migrations needs a value"},
      {{"reset"}, "pass --force"},
  };
  for (const auto& [args, message] : bad_calls) {
    const auto [code, output] = Run(args);
    EXPECT_EQ(code, 2) << output;
    EXPECT_NE(output.find(message), std::string::npos)
        << "expected '" << message << "' in " << output;
  }
  for (const auto& [env, message] :
       std::vector<std::pair<std::map<std::string, std::string>, std::string>>{
           {{{"DATABASE_URL", ""}}, "DATABASE_URL is not set"},
           {{{"DATABASE_URL", "mysql://h/db"}}, "must start with postgresql://"},
           {{{"DATABASE_URL", schema_.url() + "&pgbouncer=true"}}, "pgbouncer=true"}}) {
    ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, {"--migrations", dir_.path().string(), "deploy"},
                         env);
    EXPECT_EQ(migrate.WaitForExit(kTimeout), 2) << migrate.Output();
    EXPECT_NE(migrate.Output().find(message), std::string::npos) << migrate.Output();
  }
  {
    ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, {"--migrations", "/nonexistent", "deploy"},
                         {{"DATABASE_URL", schema_.url()}});
    EXPECT_EQ(migrate.WaitForExit(kTimeout), 2) << migrate.Output();
    EXPECT_NE(migrate.Output().find("does not exist"), std::string::npos) << migrate.Output();
  }
  dir_.Write("not_a_migration_name/migration.sql", "SELECT 1;");
  const auto [bad_name_code, bad_name] = Run({"deploy"});
  EXPECT_EQ(bad_name_code, 2);
  EXPECT_NE(bad_name.find("'not_a_migration_name' is not named"), std::string::npos) << bad_name;
  std::filesystem::remove_all(dir_.path() / "not_a_migration_name");
  dir_.Write("20260305000000_empty/README", "no migration.sql here");
  const auto [no_sql_code, no_sql] = Run({"deploy"});
  EXPECT_EQ(no_sql_code, 2);
  EXPECT_NE(no_sql.find("has no migration.sql"), std::string::npos) << no_sql;

  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM pg_tables WHERE schemaname = '" +
                               schema_.name() + "'"),
            "0");
}

}  // namespace
}  // namespace photoflow
