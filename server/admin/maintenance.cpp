#include "admin/maintenance.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include "admin/report.hpp"
#include "log/logger.hpp"
#include "store/archive.hpp"
#include "store/database_statistics.hpp"

namespace photoflow::admin {
namespace {

namespace statistics = store::database_statistics;

statistics::DatabaseStatistics ReadStatistics(Database& database) {
  pqxx::read_transaction transaction(database.connection());
  db::Transaction txn(transaction, database.connection());
  return statistics::Read(txn, database.schema());
}

int64_t TableBytes(const statistics::DatabaseStatistics& stats, const std::string& table) {
  for (const auto& entry : stats.tables) {
    if (entry.name == table) return entry.total_bytes;
  }
  return 0;
}

}  // namespace

int Vacuum(const Options& options, Database& database) {
  const statistics::DatabaseStatistics before = ReadStatistics(database);
  std::vector<std::string> tables;
  for (const auto& table : before.tables) tables.push_back(table.name);
  if (!options.tables.empty()) {
    for (const std::string& wanted : options.tables) {
      if (std::find(tables.begin(), tables.end(), wanted) == tables.end()) {
        std::cerr << "photoflow-admin: schema " << database.schema() << " has no table "
                  << log::JsonString(wanted.substr(0, 64)) << std::endl;
        return 2;
      }
    }
    tables = options.tables;
  }
  std::string vacuum_options;
  if (options.full) vacuum_options += "FULL, ";
  if (options.analyze) vacuum_options += "ANALYZE, ";
  vacuum_options += "VERBOSE false";

  const auto started = std::chrono::steady_clock::now();
  Progress progress("vacuum");
  std::vector<std::string> results;
  std::vector<std::vector<std::string>> rows = {{"Table", "Before", "After", "Seconds"}};
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string& table = tables[i];
    const int64_t bytes_before = TableBytes(before, table);
    if (options.dry_run) {
      rows.push_back({table, HumanBytes(bytes_before), "", ""});
      results.push_back(JsonObject().Add("table", table).Add("bytes_before", bytes_before).str());
      continue;
    }
    progress.Report(std::to_string(i + 1) + "/" + std::to_string(tables.size()) + " " + table);
    const auto table_started = std::chrono::steady_clock::now();
    {
      // VACUUM runs outside a transaction block and takes no parameters:
      // the name is one the catalog listed, quoted as an identifier.
      pqxx::nontransaction txn(database.connection());
      txn.exec("VACUUM (" + vacuum_options + ") " + database.QualifiedName(table));
    }
    const double seconds = SecondsSince(table_started);
    const int64_t bytes_after = TableBytes(ReadStatistics(database), table);
    char seconds_text[32];
    std::snprintf(seconds_text, sizeof seconds_text, "%.2f", seconds);
    rows.push_back({table, HumanBytes(bytes_before), HumanBytes(bytes_after), seconds_text});
    results.push_back(JsonObject()
                          .Add("table", table)
                          .Add("bytes_before", bytes_before)
                          .Add("bytes_after", bytes_after)
                          .Add("seconds", seconds)
                          .str());
  }
  progress.Done();
  if (options.json) {
    std::cout << JsonObject()
                     .Add("command", "vacuum")
                     .Add("dry_run", options.dry_run)
                     .Add("full", options.full)
                     .Add("analyze", options.analyze)
                     .AddRaw("tables", JsonArray(results))
                     .Add("seconds", SecondsSince(started))
                     .str()
              << std::endl;
  } else {
    std::cout << (options.dry_run ? "vacuum (dry run): would run " : "vacuum: ran ") << "VACUUM ("
              << vacuum_options << ") on " << tables.size() << " table(s) of schema "
              << database.schema() << "\n"
              << TextTable(rows);
  }
  return 0;
}

int Stats(const Options& options, Database& database) {
  const statistics::DatabaseStatistics stats = ReadStatistics(database);
  store::archive::Moved archived;
  bool archive_installed = false;
  {
    pqxx::read_transaction transaction(database.connection());
    db::Transaction txn(transaction, database.connection());
    archive_installed = store::archive::Installed(txn);
    if (archive_installed) archived = store::archive::CountArchived(txn, {});
  }
  const std::string name = database.connection().dbname();
  if (options.json) {
    std::vector<std::string> tables;
    for (const auto& table : stats.tables) {
      tables.push_back(JsonObject()
                           .Add("name", table.name)
                           .Add("total_bytes", table.total_bytes)
                           .Add("live_rows", table.live_rows)
                           .Add("dead_rows", table.dead_rows)
                           .str());
    }
    JsonObject connections;
    for (const auto& [state, count] : stats.connections_by_state) connections.Add(state, count);
    JsonObject report;
    report.Add("command", "stats")
        .Add("database", name)
        .Add("schema", database.schema())
        .Add("database_bytes", stats.database_bytes)
        .AddRaw("tables", JsonArray(tables))
        .AddRaw("connections", connections.str());
    if (archive_installed) {
      report.AddRaw(
          "archived",
          JsonObject().Add("tasks", archived.tasks).Add("comments", archived.comments).str());
    }
    std::cout << report.str() << std::endl;
    return 0;
  }
  std::cout << "Database " << name << ": " << HumanBytes(stats.database_bytes) << "\n\n";
  std::vector<std::vector<std::string>> rows = {{"Table", "Size", "Live rows", "Dead rows"}};
  std::vector<statistics::TableStatistics> tables = stats.tables;
  std::sort(tables.begin(), tables.end(),
            [](const auto& a, const auto& b) { return a.total_bytes > b.total_bytes; });
  for (const auto& table : tables) {
    rows.push_back({table.name, HumanBytes(table.total_bytes), std::to_string(table.live_rows),
                    std::to_string(table.dead_rows)});
  }
  std::cout << TextTable(rows) << "\n";
  std::cout << "Connections to " << name << ":";
  for (const auto& [state, count] : stats.connections_by_state) {
    std::cout << " " << state << " " << count;
  }
  std::cout << "\n";
  if (archive_installed) {
    std::cout << "Archive: " << archived.tasks << " tasks, " << archived.comments << " comments\n";
  }
  std::cout << "(Row counts are PostgreSQL's estimates, exact after vacuum --analyze.)"
            << std::endl;
  return 0;
}

}  // namespace photoflow::admin
