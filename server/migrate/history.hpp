#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "migrate/migration_files.hpp"
#include "migrate/status.hpp"

// Every statement on "_prisma_migrations", written the way Prisma Migrate
// writes it, so that `prisma migrate status` and we read the same history.
// `table` is the schema-qualified, quoted table name (as Prisma uses it), so
// that a migration changing search_path cannot redirect the history.
namespace photoflow::migrate::history {

// Prisma Migrate's own DDL for the table (no-op when it exists).
void EnsureTable(pqxx::transaction_base& txn, const std::string& table);

// Oldest first; empty when the table does not exist.
std::vector<HistoryRow> Read(pqxx::transaction_base& txn, const std::string& table);

// A migration about to run: a row with started_at and no finished_at; returns its id.
std::string RecordStarted(pqxx::transaction_base& txn, const std::string& table,
                          const MigrationFile& migration);
// The started row `id` is now finished (applied_steps_count 1).
void RecordFinished(pqxx::transaction_base& txn, const std::string& table, const std::string& id);
// A migration that failed: started at `started_at` (timestamptz text), its
// error in logs, no finished_at.
void RecordFailed(pqxx::transaction_base& txn, const std::string& table,
                  const MigrationFile& migration, const std::string& started_at,
                  const std::string& logs);
// `resolve --applied`: finished now without running (applied_steps_count 0).
void RecordAppliedWithoutRunning(pqxx::transaction_base& txn, const std::string& table,
                                 const MigrationFile& migration);
// `resolve --rolled-back`: sets rolled_back_at on the failed rows of `name`.
void MarkFailedRolledBack(pqxx::transaction_base& txn, const std::string& table,
                          const std::string& name);

}  // namespace photoflow::migrate::history
