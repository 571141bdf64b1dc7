#include "migrate/status.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "log/logger.hpp"

namespace photoflow::migrate {

std::string_view StateName(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied:
      return "applied";
    case MigrationState::kPending:
      return "pending";
    case MigrationState::kFailed:
      return "failed";
    case MigrationState::kModified:
      return "modified";
    case MigrationState::kMissingLocally:
      return "missing_locally";
  }
  return "unknown";
}

bool StatusReport::UpToDate() const {
  return std::all_of(migrations.begin(), migrations.end(), [](const MigrationStatus& migration) {
    return migration.state == MigrationState::kApplied;
  });
}

std::vector<const MigrationStatus*> StatusReport::With(MigrationState state) const {
  std::vector<const MigrationStatus*> matching;
  for (const MigrationStatus& migration : migrations) {
    if (migration.state == state) matching.push_back(&migration);
  }
  return matching;
}

StatusReport AssessStatus(const std::vector<MigrationFile>& files,
                          const std::vector<HistoryRow>& history) {
  std::map<std::string, const MigrationFile*> local;
  for (const MigrationFile& file : files) local[file.name] = &file;
  // Rows that still count (not rolled back), by migration, oldest first.
  std::map<std::string, std::vector<const HistoryRow*>> recorded;
  for (const HistoryRow& row : history) {
    if (!row.rolled_back_at) recorded[row.migration_name].push_back(&row);
  }

  std::map<std::string, MigrationStatus> by_name;
  for (const auto& [name, file] : local) {
    MigrationStatus& status = by_name[name];
    status.name = name;
    status.file_checksum = file->checksum;
  }
  for (const auto& [name, rows] : recorded) {
    MigrationStatus& status = by_name[name];
    status.name = name;
    const HistoryRow* finished = nullptr;
    const HistoryRow* unfinished = nullptr;
    for (const HistoryRow* row : rows) (row->finished_at ? finished : unfinished) = row;
    if (unfinished != nullptr) {
      // As in Prisma, an unresolved failure blocks even if another attempt finished.
      status.state = MigrationState::kFailed;
      status.database_checksum = unfinished->checksum;
      status.logs = unfinished->logs.value_or("");
    } else if (finished != nullptr) {
      status.database_checksum = finished->checksum;
      status.applied_at = *finished->finished_at;
      if (!local.contains(name)) {
        status.state = MigrationState::kMissingLocally;
      } else if (!ChecksumMatches(local.at(name)->sql, finished->checksum)) {
        status.state = MigrationState::kModified;
      } else {
        status.state = MigrationState::kApplied;
      }
    }
  }

  StatusReport report;
  for (auto& [name, status] : by_name) report.migrations.push_back(std::move(status));
  return report;
}

std::string StatusJson(const StatusReport& report) {
  std::ostringstream out;
  out << "{\"up_to_date\":" << (report.UpToDate() ? "true" : "false") << ",\"migrations\":[";
  bool first = true;
  for (const MigrationStatus& migration : report.migrations) {
    out << (first ? "" : ",") << "{\"name\":" << log::JsonString(migration.name)
        << ",\"state\":" << log::JsonString(StateName(migration.state))
        << ",\"file_checksum\":" << log::JsonString(migration.file_checksum)
        << ",\"database_checksum\":" << log::JsonString(migration.database_checksum)
        << ",\"applied_at\":" << log::JsonString(migration.applied_at)
        << ",\"logs\":" << log::JsonString(migration.logs) << "}";
    first = false;
  }
  out << "]}\n";
  return out.str();
}

std::string StatusText(const StatusReport& report) {
  std::ostringstream out;
  for (const MigrationStatus& migration : report.migrations) {
    std::string state(StateName(migration.state));
    out << migration.name
        << std::string(migration.name.size() < 40 ? 40 - migration.name.size() : 1, ' ') << state;
    if (!migration.applied_at.empty()) {
      out << std::string(state.size() < 16 ? 16 - state.size() : 1, ' ') << migration.applied_at;
    }
    out << "\n";
  }
  if (report.UpToDate()) {
    out << "Database is up to date (" << report.migrations.size() << " migrations).\n";
    return out.str();
  }
  out << "Database is not up to date:";
  for (const MigrationState state : {MigrationState::kPending, MigrationState::kFailed,
                                     MigrationState::kModified, MigrationState::kMissingLocally}) {
    const size_t count = report.With(state).size();
    if (count > 0) out << " " << count << " " << StateName(state) << ";";
  }
  out << "\n";
  if (!report.With(MigrationState::kFailed).empty()) {
    out << "A failed migration blocks deploy: fix the database, then run `photoflow-migrate "
           "resolve --rolled-back NAME` (or `--applied NAME` if you completed it by hand).\n";
  }
  if (!report.With(MigrationState::kModified).empty()) {
    out << "A modified migration blocks deploy: restore the applied file and put the change in "
           "a new migration (`photoflow-migrate new NAME`).\n";
  }
  return out.str();
}

}  // namespace photoflow::migrate
