#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration_files.hpp"

namespace photoflow::migrate {

// One row of Prisma Migrate's "_prisma_migrations" history table.
struct HistoryRow {
  std::string migration_name;
  std::string checksum;
  std::optional<std::string> finished_at;  // as PostgreSQL prints timestamptz
  std::optional<std::string> rolled_back_at;
  std::optional<std::string> logs;
  std::string started_at;
};

enum class MigrationState {
  kApplied,         // recorded as finished, file unchanged
  kPending,         // a local folder not applied yet (or applied and rolled back)
  kFailed,          // started, never finished, not rolled back: blocks deploy
  kModified,        // applied, but the file's checksum differs from the recorded one
  kMissingLocally,  // applied, but there is no local folder for it
};

std::string_view StateName(MigrationState state);

struct MigrationStatus {
  std::string name;
  MigrationState state = MigrationState::kPending;
  std::string file_checksum;      // empty when missing locally
  std::string database_checksum;  // empty when never applied
  std::string applied_at;         // finished_at of applied or modified migrations
  std::string logs;               // the error recorded for a failed migration
};

struct StatusReport {
  std::vector<MigrationStatus> migrations;  // in name order

  // Every local migration applied, nothing failed, modified or missing.
  bool UpToDate() const;
  std::vector<const MigrationStatus*> With(MigrationState state) const;
};

// Where each migration stands, from the local folders and the history rows
// (the same rules as Prisma Migrate: rows marked rolled back do not count).
StatusReport AssessStatus(const std::vector<MigrationFile>& files,
                          const std::vector<HistoryRow>& history);

// For `status --json`: {"up_to_date": bool, "migrations": [{"name", "state", ...}]}.
std::string StatusJson(const StatusReport& report);

// For `status`: one line per migration and a summary line.
std::string StatusText(const StatusReport& report);

}  // namespace photoflow::migrate
