// The schema our migrations create must be exactly what Prisma creates for the
// PhotoFlow app, so that both programs can share one database.
#include <algorithm>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "model/comment_fields.hpp"
#include "model/task_fields.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using testing::TestSchema;

std::vector<std::string> Rows(const TestSchema& schema, const std::string& sql) {
  auto connection = schema.Connect();
  std::vector<std::string> rows;
  for (const pqxx::row& row : pqxx::nontransaction(*connection).exec_params(sql, schema.name())) {
    std::string line;
    for (const pqxx::field& field : row) {
      if (!line.empty()) line += " | ";
      line += field.is_null() ? "NULL" : field.as<std::string>();
    }
    rows.push_back(line);
  }
  return rows;
}

// Long expected rows are split string literals, not missing commas.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
TEST(SchemaTest, ColumnsMatchThePrismaSchema) {
  TestSchema schema;
  EXPECT_EQ(
      Rows(schema,
           "SELECT table_name, column_name, data_type, coalesce(datetime_precision::text, ''), "
           "is_nullable, coalesce(column_default, '') FROM information_schema.columns "
           "WHERE table_schema = $1 AND table_name IN ('Tasks', 'task_comments') "
           "ORDER BY table_name, ordinal_position"),
      (std::vector<std::string>{
          "Tasks | id | integer |  | NO | nextval('\"Tasks_id_seq\"'::regclass)",
          "Tasks | created_at | timestamp without time zone | 3 | NO | CURRENT_TIMESTAMP",
          "Tasks | dueAt | timestamp without time zone | 3 | NO | ",
          "Tasks | task | text |  | NO | ",
          "Tasks | additional_information | text |  | NO | ",
          "Tasks | status | text |  | NO | ",
          "Tasks | is_finished | boolean |  | NO | false",
          "Tasks | amount_of_comments | integer |  | NO | 0",
          "Tasks | taskColumn | text |  | NO | '1'::text",
          "task_comments | id | integer |  | NO | nextval('task_comments_id_seq'::regclass)",
          "task_comments | created_at | timestamp without time zone | 3 | NO | "
          "CURRENT_TIMESTAMP",
          "task_comments | task_id | integer |  | NO | ",
          "task_comments | comment | text |  | NO | ",
      }));
}

// Every registry field with a column names a column of the migrated table
// whose type holds the field's values.
template <size_t N>
void ExpectRegistryColumns(const TestSchema& schema, const std::string& table,
                           const std::array<model::FieldSpec, N>& fields) {
  const std::vector<std::string> columns =
      Rows(schema,
           "SELECT column_name || ' ' || data_type FROM information_schema.columns "
           "WHERE table_schema = $1 AND table_name = '" +
               table + "'");
  for (const model::FieldSpec& field : fields) {
    if (!field.stored() || field.column == "xmin::text") continue;  // xmin: a system column
    std::string column(field.column);
    std::erase(column, '"');
    const char* type = "";
    switch (field.type) {
      case model::FieldType::kInteger:
        type = "integer";
        break;
      case model::FieldType::kText:
        type = "text";
        break;
      case model::FieldType::kBoolean:
        type = "boolean";
        break;
      case model::FieldType::kTimestamp:
        type = "timestamp without time zone";
        break;
      case model::FieldType::kRelation:
        break;
    }
    EXPECT_NE(std::find(columns.begin(), columns.end(), column + " " + type), columns.end())
        << table << " has no column " << column << " of type " << type;
  }
}

TEST(SchemaTest, RegistryColumnsExistWithTheirTypes) {
  TestSchema schema;
  ExpectRegistryColumns(schema, "Tasks", model::kTaskFields);
  ExpectRegistryColumns(schema, "task_comments", model::kCommentFields);
}

TEST(SchemaTest, IndexesAndForeignKeyMatchThePrismaSchema) {
  TestSchema schema;
  EXPECT_EQ(
      Rows(schema,
           "SELECT tablename, indexname, replace(indexdef, schemaname || '.', '') "
           "FROM pg_indexes WHERE schemaname = $1 AND tablename IN ('Tasks', 'task_comments') "
           "ORDER BY tablename, indexname"),
      (std::vector<std::string>{
          "Tasks | Tasks_additional_information_idx | CREATE INDEX "
          "\"Tasks_additional_information_idx\" ON \"Tasks\" USING gin "
          "(additional_information gin_trgm_ops)",
          "Tasks | Tasks_dueAt_idx | CREATE INDEX \"Tasks_dueAt_idx\" ON \"Tasks\" USING "
          "btree (\"dueAt\")",
          "Tasks | Tasks_is_finished_dueAt_id_idx | CREATE INDEX "
          "\"Tasks_is_finished_dueAt_id_idx\" ON \"Tasks\" USING btree (is_finished, "
          "\"dueAt\", id)",
          "Tasks | Tasks_is_finished_idx | CREATE INDEX \"Tasks_is_finished_idx\" ON "
          "\"Tasks\" USING btree (is_finished)",
          "Tasks | Tasks_pkey | CREATE UNIQUE INDEX \"Tasks_pkey\" ON \"Tasks\" USING btree "
          "(id)",
          "Tasks | Tasks_taskColumn_idx | CREATE INDEX \"Tasks_taskColumn_idx\" ON "
          "\"Tasks\" USING btree (\"taskColumn\")",
          "Tasks | Tasks_taskColumn_is_finished_dueAt_id_idx | CREATE INDEX "
          "\"Tasks_taskColumn_is_finished_dueAt_id_idx\" ON \"Tasks\" USING btree "
          "(\"taskColumn\", is_finished, \"dueAt\", id)",
          "Tasks | Tasks_task_idx | CREATE INDEX \"Tasks_task_idx\" ON \"Tasks\" USING gin "
          "(task gin_trgm_ops)",
          "task_comments | task_comments_pkey | CREATE UNIQUE INDEX task_comments_pkey ON "
          "task_comments USING btree (id)",
          "task_comments | task_comments_task_id_idx | CREATE INDEX task_comments_task_id_idx ON "
          "task_comments USING btree (task_id)",
      }));
  EXPECT_EQ(Rows(schema,
                 "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                 "JOIN pg_namespace n ON n.oid = c.connamespace "
                 "WHERE n.nspname = $1 AND contype = 'f' "
                 "AND conname NOT LIKE 'photoflow\\_%'"),  // the service's own tables
            (std::vector<std::string>{"task_comments_task_id_fkey | FOREIGN KEY (task_id) "
                                      "REFERENCES \"Tasks\"(id) ON UPDATE CASCADE ON DELETE "
                                      "CASCADE"}));
}

// NOLINTEND(bugprone-suspicious-missing-comma)

TEST(SchemaTest, DeployRecordsPrismaHistoryAndIsIdempotent) {
  TestSchema schema(/*migrate=*/false);
  const config::DatabaseUrl url = schema.parsed_url();
  const auto files = migrate::LoadMigrationFiles(config::DefaultMigrationsDir());
  migrate::Migrator migrator(url.libpq_url, url.schema);

  const auto first = migrator.Deploy(files);
  ASSERT_EQ(first.size(), files.size());
  EXPECT_EQ(first[0].name, "20260301000000_init");
  std::vector<std::string> expected;
  expected.reserve(files.size());
  for (const migrate::MigrationFile& file : files) {
    expected.push_back(file.name + " | " + file.checksum + " | 1 | t | t | t | 36");
  }
  EXPECT_EQ(Rows(schema,
                 "SELECT migration_name, checksum, applied_steps_count, "
                 "finished_at IS NOT NULL, rolled_back_at IS NULL, logs IS NULL, length(id) "
                 "FROM \"_prisma_migrations\" WHERE $1 <> '' ORDER BY migration_name"),
            expected);

  EXPECT_TRUE(migrator.Deploy(files).empty());
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"_prisma_migrations\""),
            std::to_string(files.size()));
}

TEST(SchemaTest, FailedMigrationIsRecordedRolledBackAndBlocksDeploy) {
  TestSchema schema(/*migrate=*/false);
  const config::DatabaseUrl url = schema.parsed_url();
  std::vector<migrate::MigrationFile> files =
      migrate::LoadMigrationFiles(config::DefaultMigrationsDir());
  files.push_back({"29990101000000_broken", "CREATE TABLE half_done (id int); SELECT nope;", ""});
  files.back().checksum = migrate::Sha256Hex(files.back().sql);
  migrate::Migrator migrator(url.libpq_url, url.schema);

  EXPECT_THROW(migrator.Deploy(files), migrate::MigrationError);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done' "
                              "AND schemaname = current_schema()"),
            "0");
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"_prisma_migrations\" WHERE migration_name "
                              "= '29990101000000_broken' AND finished_at IS NULL AND logs <> ''"),
            "1");
  try {
    migrator.Deploy(files);
    FAIL() << "deploy went on past a failed migration";
  } catch (const migrate::MigrationError& error) {
    EXPECT_NE(std::string(error.what()).find("29990101000000_broken"), std::string::npos);
  }
  // The advisory lock was released on the failure path (a parallel test may
  // hold it for a moment, hence a wait rather than a try).
  EXPECT_EQ(schema.QueryValue("SET lock_timeout = '10s'; "
                              "SELECT 'acquired' FROM (SELECT pg_advisory_lock(72707369)) AS l"),
            "acquired");
}

}  // namespace
}  // namespace photoflow
