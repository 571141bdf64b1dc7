#include "migrate/history.hpp"

#include <pqxx/result>

namespace photoflow::migrate::history {

void EnsureTable(pqxx::transaction_base& txn) {
  txn.exec(R"sql(
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
))sql");
}

std::vector<HistoryRow> Read(pqxx::transaction_base& txn) {
  if (txn.exec("SELECT to_regclass('\"_prisma_migrations\"') IS NULL")[0][0].as<bool>()) return {};
  std::vector<HistoryRow> rows;
  for (const pqxx::row& row : txn.exec(
           "SELECT migration_name, checksum, finished_at::text, rolled_back_at::text, logs, "
           "started_at::text FROM \"_prisma_migrations\" ORDER BY started_at, migration_name")) {
    HistoryRow history;
    history.migration_name = row[0].as<std::string>();
    history.checksum = row[1].as<std::string>();
    if (!row[2].is_null()) history.finished_at = row[2].as<std::string>();
    if (!row[3].is_null()) history.rolled_back_at = row[3].as<std::string>();
    if (!row[4].is_null()) history.logs = row[4].as<std::string>();
    history.started_at = row[5].as<std::string>();
    rows.push_back(std::move(history));
  }
  return rows;
}

void RecordStarted(pqxx::transaction_base& txn, const MigrationFile& migration) {
  txn.exec_params(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, started_at, "
      "applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, now(), 0)",
      migration.checksum, migration.name);
}

void RecordFinished(pqxx::transaction_base& txn, const MigrationFile& migration) {
  txn.exec_params(
      "UPDATE \"_prisma_migrations\" SET finished_at = clock_timestamp(), applied_steps_count = 1 "
      "WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL",
      migration.name);
}

void RecordFailed(pqxx::transaction_base& txn, const MigrationFile& migration,
                  const std::string& logs) {
  txn.exec_params(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, logs, started_at, "
      "applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, $3, now(), 0)",
      migration.checksum, migration.name, logs);
}

void RecordAppliedWithoutRunning(pqxx::transaction_base& txn, const MigrationFile& migration) {
  txn.exec_params(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, started_at, finished_at, "
      "applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, now(), now(), 0)",
      migration.checksum, migration.name);
}

void MarkFailedRolledBack(pqxx::transaction_base& txn, const std::string& name) {
  txn.exec_params(
      "UPDATE \"_prisma_migrations\" SET rolled_back_at = now() "
      "WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL",
      name);
}

}  // namespace photoflow::migrate::history
