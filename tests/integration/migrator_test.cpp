// photoflow-migrate's engine against a real PostgreSQL, including databases
// that Prisma Migrate created.
#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "config/config.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "support/prisma_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using migrate::MigrationState;
using testing::TempDir;
using testing::TestSchema;

using testing::PrismaInitSql;

// The history table exactly as Prisma Migrate creates it.
constexpr const char* kPrismaHistoryDdl = R"sql(CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
))sql";

// Expects `action` to throw a MigrationError (not a LockTimeout) whose
// message contains `text`.
template <typename Action>
void ExpectMigrationError(Action action, const std::string& text) {
  try {
    action();
    ADD_FAILURE() << "no MigrationError";
  } catch (const migrate::LockTimeout& error) {
    ADD_FAILURE() << "lock timeout instead: " << error.what();
  } catch (const migrate::MigrationError& error) {
    EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
  }
}

migrate::Migrator MigratorFor(const TestSchema& schema,
                              std::chrono::milliseconds lock_timeout = std::chrono::seconds(30)) {
  const config::DatabaseUrl url = schema.parsed_url();
  return migrate::Migrator({url.libpq_url, url.schema, lock_timeout});
}

// The catalog of a schema, with the schema's name taken out, as comparable
// text. Tables of the service's own (photoflow_*), their sequences and the
// constraints of the change-log triggers are left out: they are not part of
// the Prisma schema.
std::vector<std::string> Catalog(const TestSchema& schema) {
  auto connection = schema.Connect();
  pqxx::nontransaction txn(*connection);
  std::vector<std::string> lines;
  const char* queries[] = {
      "SELECT 'column', table_name, column_name, data_type, "
      "coalesce(character_maximum_length::text, ''), coalesce(datetime_precision::text, ''), "
      "is_nullable, coalesce(column_default, '') "
      "FROM information_schema.columns WHERE table_schema = $1 "
      "AND table_name NOT LIKE 'photoflow\\_%' ORDER BY table_name, ordinal_position",
      "SELECT 'index', indexname, replace(indexdef, schemaname || '.', '') FROM pg_indexes "
      "WHERE schemaname = $1 AND tablename NOT LIKE 'photoflow\\_%' ORDER BY indexname",
      "SELECT 'constraint', conname, contype::text, pg_get_constraintdef(c.oid) "
      "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
      "WHERE n.nspname = $1 AND conname NOT LIKE 'photoflow\\_%' ORDER BY conname",
      "SELECT 'sequence', sequence_name, data_type, start_value, increment "
      "FROM information_schema.sequences WHERE sequence_schema = $1 "
      "AND sequence_name NOT LIKE 'photoflow\\_%' ORDER BY sequence_name",
  };
  for (const char* query : queries) {
    for (const pqxx::row& row : txn.exec_params(query, schema.name())) {
      std::string line;
      for (const pqxx::field& field : row) line += std::string(field.c_str()) + " | ";
      lines.push_back(line);
    }
  }
  return lines;
}

TEST(MigratorTest, FreshDeployCreatesExactlyWhatPrismaCreates) {
  // Ours: the repository's migrations through photoflow-migrate's engine.
  TestSchema ours(/*migrate=*/false);
  MigratorFor(ours).Deploy(migrate::LoadMigrationFiles(config::DefaultMigrationsDir()));

  // Prisma's: its emitted SQL and its history table, run as Prisma runs them.
  TestSchema prismas(/*migrate=*/false);
  auto connection = prismas.Connect();
  pqxx::nontransaction(*connection).exec(testing::PrismaSchemaSql());
  pqxx::nontransaction(*connection).exec(kPrismaHistoryDdl);

  const std::vector<std::string> expected = Catalog(prismas);
  EXPECT_GT(expected.size(), 25U);
  EXPECT_EQ(Catalog(ours), expected);
  EXPECT_EQ(ours.QueryValue("SELECT to_regclass('photoflow_request_ids') IS NOT NULL"), "t")
      << "our own table comes on top of Prisma's schema";
}

TEST(MigratorTest, HistoryWrittenByPrismaIsHonoured) {
  TestSchema schema(/*migrate=*/false);
  auto connection = schema.Connect();
  pqxx::nontransaction prisma(*connection);
  // What `prisma migrate deploy` leaves behind (its DDL and row format).
  prisma.exec(PrismaInitSql());
  prisma.exec(kPrismaHistoryDdl);
  prisma.exec_params(
      "INSERT INTO \"_prisma_migrations\" VALUES ('5c1f6d2e-5f43-4f0e-9a43-0d1e8d6f1b2a', $1, "
      "'2026-03-01 00:00:01.123+00', '20260301000000_init', NULL, NULL, "
      "'2026-03-01 00:00:00.456+00', 1)",
      migrate::Sha256Hex(PrismaInitSql()));

  const auto files = migrate::LoadMigrationFiles(config::DefaultMigrationsDir());
  migrate::Migrator migrator = MigratorFor(schema);
  EXPECT_EQ(migrator.Status(files).migrations.at(0).state, MigrationState::kApplied);
  for (const migrate::AppliedMigration& applied : migrator.Deploy(files)) {
    EXPECT_NE(applied.name, "20260301000000_init") << "nothing may be applied twice";
  }
  EXPECT_TRUE(migrator.Status(files).UpToDate());
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"_prisma_migrations\" WHERE "
                              "migration_name = '20260301000000_init'"),
            "1");
}

TEST(MigratorTest, ResolveAppliedBaselinesASchemaWithoutHistory) {
  TestSchema schema(/*migrate=*/false);
  auto connection = schema.Connect();
  pqxx::nontransaction(*connection).exec(PrismaInitSql());  // created by hand, e.g. restored dump
  const auto files = migrate::LoadMigrationFiles(config::DefaultMigrationsDir());
  migrate::Migrator migrator = MigratorFor(schema);
  EXPECT_EQ(migrator.Status(files).migrations.at(0).state, MigrationState::kPending);

  migrator.ResolveApplied(files, "20260301000000_init");
  EXPECT_EQ(migrator.Status(files).migrations.at(0).state, MigrationState::kApplied);
  EXPECT_EQ(migrator.Deploy(files).size(), files.size() - 1) << "only what came after it";
  EXPECT_TRUE(migrator.Status(files).UpToDate());
  ExpectMigrationError([&] { migrator.ResolveApplied(files, "20260301000000_init"); },
                       "already recorded as applied");
  EXPECT_THROW(migrator.ResolveApplied(files, "20260301000000_nope"), migrate::MigrationFilesError);
}

TEST(MigratorTest, HistoryFromAWindowsCheckoutOrAnOldPrismaIsNotModified) {
  TestSchema schema(/*migrate=*/false);
  TempDir dir;
  const std::string lf = "CREATE TABLE crlf_check (id int);\nCREATE TABLE second (id int);\n";
  dir.Write("20260301000000_init/migration.sql", lf);
  auto connection = schema.Connect();
  pqxx::nontransaction prisma(*connection);
  prisma.exec(kPrismaHistoryDdl);
  // Prisma ran this migration from a checkout with CRLF line endings.
  std::string crlf = lf;
  for (size_t at = 0; (at = crlf.find('\n', at)) != std::string::npos; at += 2) {
    crlf.insert(at, "\r");
  }
  prisma.exec(crlf);
  prisma.exec_params(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name, "
      "started_at, applied_steps_count) VALUES (gen_random_uuid()::text, $1, now(), "
      "'20260301000000_init', now(), 1)",
      migrate::Sha256Hex(crlf));
  const auto files = migrate::LoadMigrationFiles(dir.path());
  EXPECT_TRUE(MigratorFor(schema).Status(files).UpToDate());
  EXPECT_TRUE(MigratorFor(schema).Deploy(files).empty());
}

TEST(MigratorTest, AMigrationThatChangesSearchPathCannotMisplaceTheHistory) {
  TestSchema schema(/*migrate=*/false);
  TempDir dir;
  dir.Write("20260301000000_first/migration.sql",
            "SELECT pg_catalog.set_config('search_path', '', false);\n"
            "CREATE TABLE " +
                schema.name() + ".first_table (id int);");
  dir.Write("20260302000000_second/migration.sql", "CREATE TABLE second_table (id int);");
  const auto files = migrate::LoadMigrationFiles(dir.path());
  migrate::Migrator migrator = MigratorFor(schema);
  EXPECT_EQ(migrator.Deploy(files).size(), 2U);
  EXPECT_TRUE(migrator.Status(files).UpToDate());
  EXPECT_EQ(schema.QueryValue("SELECT to_regclass('second_table') IS NOT NULL"), "t")
      << "the next migration ran in the target schema again";
}

class MigrationFolderTest : public ::testing::Test {
 protected:
  MigrationFolderTest() {
    dir_.Write("20260301000000_init/migration.sql", PrismaInitSql());
    dir_.Write("20260302000000_add_notes/migration.sql",
               "CREATE TABLE photoflow_notes (id serial PRIMARY KEY, note text NOT NULL);");
  }
  std::vector<migrate::MigrationFile> Files() const {
    return migrate::LoadMigrationFiles(dir_.path());
  }

  TempDir dir_;
  TestSchema schema_{/*migrate=*/false};
  migrate::Migrator migrator_ = MigratorFor(schema_);
};

TEST_F(MigrationFolderTest, EditedMigrationIsReportedModifiedAndBlocksDeploy) {
  ASSERT_EQ(migrator_.Deploy(Files()).size(), 2U);
  dir_.Write("20260302000000_add_notes/migration.sql",
             "CREATE TABLE photoflow_notes (id serial PRIMARY KEY, note text);");
  dir_.Write("20260303000000_add_tags/migration.sql", "CREATE TABLE photoflow_tags (id int);");

  const migrate::StatusReport report = migrator_.Status(Files());
  EXPECT_EQ(report.migrations.at(1).state, MigrationState::kModified);
  EXPECT_EQ(report.migrations.at(2).state, MigrationState::kPending);
  ExpectMigrationError([&] { migrator_.Deploy(Files()); }, "20260302000000_add_notes");
  EXPECT_EQ(schema_.QueryValue("SELECT to_regclass('photoflow_tags') IS NULL"), "t");
}

TEST_F(MigrationFolderTest, FailedMigrationBlocksUntilResolvedThenRunsAgain) {
  dir_.Write("20260303000000_broken/migration.sql",
             "CREATE TABLE half_done (id int); SELECT no_such_column FROM photoflow_notes;");
  dir_.Write("20260304000000_after/migration.sql", "CREATE TABLE after_broken (id int);");
  ExpectMigrationError([&] { migrator_.Deploy(Files()); }, "failed and was rolled back");

  migrate::StatusReport report = migrator_.Status(Files());
  EXPECT_EQ(report.migrations.at(1).state, MigrationState::kApplied);
  EXPECT_EQ(report.migrations.at(2).state, MigrationState::kFailed);
  EXPECT_NE(report.migrations.at(2).logs.find("no_such_column"), std::string::npos);
  EXPECT_EQ(report.migrations.at(3).state, MigrationState::kPending);
  EXPECT_EQ(schema_.QueryValue("SELECT to_regclass('half_done') IS NULL"), "t")
      << "the failed migration was rolled back";
  ExpectMigrationError([&] { migrator_.Deploy(Files()); },
                       "resolve --rolled-back 20260303000000_broken");
  ExpectMigrationError([&] { migrator_.ResolveRolledBack(Files(), "20260304000000_after"); },
                       "not in a failed state");

  migrator_.ResolveRolledBack(Files(), "20260303000000_broken");
  dir_.Write("20260303000000_broken/migration.sql", "CREATE TABLE half_done (id int);");
  const auto applied = migrator_.Deploy(Files());
  ASSERT_EQ(applied.size(), 2U);
  EXPECT_EQ(applied[0].name, "20260303000000_broken");
  EXPECT_TRUE(migrator_.Status(Files()).UpToDate());
}

TEST_F(MigrationFolderTest, ResolveAppliedAcceptsAFailedMigrationFinishedByHand) {
  dir_.Write("20260303000000_broken/migration.sql", "SELECT no_such_function();");
  ExpectMigrationError([&] { migrator_.Deploy(Files()); }, "no_such_function");
  migrator_.ResolveApplied(Files(), "20260303000000_broken");
  EXPECT_TRUE(migrator_.Status(Files()).UpToDate());
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"_prisma_migrations\" WHERE "
                               "migration_name = '20260303000000_broken' AND "
                               "rolled_back_at IS NOT NULL"),
            "1");
}

TEST_F(MigrationFolderTest, MigrationsMissingLocallyAreReported) {
  ASSERT_EQ(migrator_.Deploy(Files()).size(), 2U);
  std::filesystem::remove_all(dir_.path() / "20260302000000_add_notes");
  const migrate::StatusReport report = migrator_.Status(Files());
  EXPECT_EQ(report.migrations.at(1).state, MigrationState::kMissingLocally);
  EXPECT_FALSE(report.UpToDate());
}

TEST_F(MigrationFolderTest, LockHeldElsewhereTimesOutAndChangesNothing) {
  auto other = schema_.Connect();  // another deployer (Prisma or us) holding the lock
  pqxx::nontransaction(*other).exec("SELECT pg_advisory_lock(72707369)");
  migrate::Migrator impatient = MigratorFor(schema_, std::chrono::milliseconds(300));
  EXPECT_THROW(impatient.Deploy(Files()), migrate::LockTimeout);
  EXPECT_EQ(schema_.QueryValue("SELECT to_regclass('\"_prisma_migrations\"') IS NULL"), "t");
  pqxx::nontransaction(*other).exec("SELECT pg_advisory_unlock(72707369)");
  // Patient again: tests running in parallel may hold the lock for a moment.
  EXPECT_EQ(migrator_.Deploy(Files()).size(), 2U);
}

TEST_F(MigrationFolderTest, ResetDropsEverythingAndReappliesAllMigrations) {
  ASSERT_EQ(migrator_.Deploy(Files()).size(), 2U);
  schema_.QueryValue("INSERT INTO photoflow_notes (note) VALUES ('gone after reset') RETURNING id");
  schema_.QueryValue("CREATE TABLE stray (id int); SELECT 1");
  EXPECT_EQ(migrator_.Reset(Files()).size(), 2U);
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM photoflow_notes"), "0");
  EXPECT_EQ(schema_.QueryValue("SELECT to_regclass('stray') IS NULL"), "t");
  EXPECT_TRUE(migrator_.Status(Files()).UpToDate());
}

}  // namespace
}  // namespace photoflow
