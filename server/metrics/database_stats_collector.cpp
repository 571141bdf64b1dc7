#include "metrics/database_stats_collector.hpp"

#include <pqxx/transaction>

#include "db/transaction.hpp"
#include "store/database_statistics.hpp"

namespace photoflow::metrics {
namespace {

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

// pg_stat_activity.state values, exported at zero until seen so that series
// do not appear and vanish.
constexpr const char* kConnectionStates[] = {"active",
                                             "idle",
                                             "idle in transaction",
                                             "idle in transaction (aborted)",
                                             "fastpath function call",
                                             "disabled"};

// Longest a refresh may take on the database; a slow catalog must not pile up refreshes.
constexpr db::Query kSetRefreshTimeout{
    R"sql(SELECT pg_catalog.set_config('statement_timeout', '5000', true))sql",
    "stats_set_statement_timeout"};

}  // namespace

DatabaseStatsCollector::DatabaseStatsCollector(prometheus::Registry& registry,
                                               OpenConnection open_connection, std::string schema,
                                               const boost::asio::any_io_executor& housekeeping,
                                               std::chrono::milliseconds interval,
                                               log::Logger& logger)
    : open_connection_(std::move(open_connection)),
      schema_(std::move(schema)),
      logger_(logger),
      table_size_(GaugeFamily(registry, "photoflow_db_table_size_bytes",
                              "Disk space of a table with its indexes and TOAST "
                              "(pg_total_relation_size).")),
      table_live_rows_(
          GaugeFamily(registry, "photoflow_db_table_live_rows",
                      "Estimated live rows of a table (pg_stat_user_tables.n_live_tup).")),
      table_dead_rows_(GaugeFamily(registry, "photoflow_db_table_dead_rows",
                                   "Estimated dead rows of a table awaiting vacuum "
                                   "(pg_stat_user_tables.n_dead_tup).")),
      connections_(GaugeFamily(registry, "photoflow_db_connections",
                               "Backends connected to this database by state (pg_stat_activity), "
                               "from every client, not only this process.")),
      database_size_(GaugeFamily(registry, "photoflow_db_database_size_bytes",
                                 "Disk space of the whole database (pg_database_size).")
                         .Add({})),
      last_success_(GaugeFamily(registry, "photoflow_db_stats_last_success_timestamp_seconds",
                                "When the database statistics were last read successfully (Unix "
                                "time); 0 until the first success.")
                        .Add({})),
      refresh_seconds_(GaugeFamily(registry, "photoflow_db_stats_refresh_seconds",
                                   "How long the last successful statistics refresh took.")
                           .Add({})),
      errors_(prometheus::BuildCounter()
                  .Name("photoflow_db_stats_errors_total")
                  .Help("Statistics refreshes that failed (the gauges keep their last values).")
                  .Register(registry)
                  .Add({})),
      task_(housekeeping, interval, [this] { Refresh(); }) {
  for (const char* state : kConnectionStates) {
    connection_states_[state] = &connections_.Add({{"state", state}});
  }
}

DatabaseStatsCollector::~DatabaseStatsCollector() { Stop(); }

void DatabaseStatsCollector::Start() {
  Refresh();
  task_.Start();
}

void DatabaseStatsCollector::Stop() { task_.Stop(); }

DatabaseStatsCollector::TableGauges& DatabaseStatsCollector::GaugesFor(const std::string& table) {
  auto found = tables_.find(table);
  if (found != tables_.end()) return found->second;
  const prometheus::Labels labels = {{"table", table}};
  return tables_[table] = TableGauges{.size_bytes = &table_size_.Add(labels),
                                      .live_rows = &table_live_rows_.Add(labels),
                                      .dead_rows = &table_dead_rows_.Add(labels)};
}

bool DatabaseStatsCollector::Refresh() {
  const std::lock_guard lock(refresh_mutex_);
  const auto started = std::chrono::steady_clock::now();
  store::database_statistics::DatabaseStatistics statistics;
  try {
    if (!connection_ || !connection_->is_open()) connection_ = open_connection_();
    pqxx::transaction<pqxx::read_committed, pqxx::read_only> pqxx_transaction(*connection_);
    db::Transaction txn(pqxx_transaction, *connection_);
    txn.Exec(kSetRefreshTimeout);
    statistics = store::database_statistics::Read(txn, schema_);
    pqxx_transaction.commit();
  } catch (const std::exception& error) {
    connection_.reset();  // reconnect next time
    errors_.Increment();
    if (!last_refresh_failed_) {
      logger_.Warn("db_stats_failed", {{"message", error.what()}});
    }
    last_refresh_failed_ = true;
    return false;
  }
  last_refresh_failed_ = false;

  database_size_.Set(static_cast<double>(statistics.database_bytes));
  std::map<std::string, TableGauges> seen;
  for (const store::database_statistics::TableStatistics& table : statistics.tables) {
    TableGauges& gauges = GaugesFor(table.name);
    gauges.size_bytes->Set(static_cast<double>(table.total_bytes));
    gauges.live_rows->Set(static_cast<double>(table.live_rows));
    gauges.dead_rows->Set(static_cast<double>(table.dead_rows));
    seen.emplace(table.name, gauges);
  }
  for (const auto& [name, gauges] : tables_) {
    if (seen.contains(name)) continue;  // a dropped table's series go away
    table_size_.Remove(gauges.size_bytes);
    table_live_rows_.Remove(gauges.live_rows);
    table_dead_rows_.Remove(gauges.dead_rows);
  }
  tables_ = std::move(seen);

  for (auto& [state, gauge] : connection_states_) gauge->Set(0);
  for (const auto& [state, count] : statistics.connections_by_state) {
    auto found = connection_states_.find(state);
    if (found == connection_states_.end()) {
      found = connection_states_.emplace(state, &connections_.Add({{"state", state}})).first;
    }
    found->second->Set(static_cast<double>(count));
  }

  refresh_seconds_.Set(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  last_success_.Set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  return true;
}

}  // namespace photoflow::metrics
