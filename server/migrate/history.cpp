#include "migrate/history.hpp"

#include <pqxx/result>

namespace photoflow::migrate::history {

// The table name is the only text put into these statements; it is the
// operator's schema from DATABASE_URL, quoted as an identifier by the caller.
// Every value is a bound parameter.

void EnsureTable(pqxx::transaction_base& txn, const std::string& table) {
  txn.exec("CREATE TABLE IF NOT EXISTS " + table + R"sql( (
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

std::vector<HistoryRow> Read(pqxx::transaction_base& txn, const std::string& table) {
  if (txn.exec_params("SELECT to_regclass($1) IS NULL", table)[0][0].as<bool>()) return {};
  std::vector<HistoryRow> rows;
  for (const pqxx::row& row :
       txn.exec("SELECT migration_name, checksum, finished_at::text, rolled_back_at::text, logs, "
                "started_at::text FROM " +
                table + " ORDER BY started_at, migration_name")) {
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

std::string RecordStarted(pqxx::transaction_base& txn, const std::string& table,
                          const MigrationFile& migration) {
  return txn
      .exec_params("INSERT INTO " + table +
                       " (id, checksum, migration_name, started_at, applied_steps_count) "
                       "VALUES (gen_random_uuid()::text, $1, $2, now(), 0) RETURNING id",
                   migration.checksum, migration.name)[0][0]
      .as<std::string>();
}

void RecordFinished(pqxx::transaction_base& txn, const std::string& table, const std::string& id) {
  txn.exec_params("UPDATE " + table +
                      " SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1",
                  id);
}

void RecordFailed(pqxx::transaction_base& txn, const std::string& table,
                  const MigrationFile& migration, const std::string& started_at,
                  const std::string& logs) {
  txn.exec_params("INSERT INTO " + table +
                      " (id, checksum, migration_name, logs, started_at, applied_steps_count) "
                      "VALUES (gen_random_uuid()::text, $1, $2, $3, $4::timestamptz, 0)",
                  migration.checksum, migration.name, logs, started_at);
}

void RecordAppliedWithoutRunning(pqxx::transaction_base& txn, const std::string& table,
                                 const MigrationFile& migration) {
  txn.exec_params(
      "INSERT INTO " + table +
          " (id, checksum, migration_name, started_at, finished_at, applied_steps_count) "
          "VALUES (gen_random_uuid()::text, $1, $2, now(), now(), 0)",
      migration.checksum, migration.name);
}

void MarkFailedRolledBack(pqxx::transaction_base& txn, const std::string& table,
                          const std::string& name) {
  txn.exec_params(
      "UPDATE " + table +
          " SET rolled_back_at = now() "
          "WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL",
      name);
}

}  // namespace photoflow::migrate::history
