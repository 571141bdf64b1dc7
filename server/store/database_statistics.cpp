#include "store/database_statistics.hpp"

#include <pqxx/result>

namespace photoflow::store::database_statistics {
namespace {

constexpr db::Query kDatabaseSize{
    R"sql(SELECT pg_catalog.pg_database_size(pg_catalog.current_database()))sql",
    "stats_database_size"};

constexpr db::Query kTables{
    R"sql(SELECT relname, pg_catalog.pg_total_relation_size(relid), n_live_tup, n_dead_tup
FROM pg_catalog.pg_stat_user_tables
WHERE schemaname = COALESCE(NULLIF($1, ''), pg_catalog.current_schema())
ORDER BY relname)sql",
    "stats_tables"};

constexpr db::Query kConnections{
    R"sql(SELECT COALESCE(state, 'unknown'), pg_catalog.count(*) FROM pg_catalog.pg_stat_activity
WHERE datname = pg_catalog.current_database() GROUP BY 1)sql",
    "stats_connections"};

}  // namespace

DatabaseStatistics Read(db::Transaction& txn, const std::string& schema) {
  DatabaseStatistics statistics;
  statistics.database_bytes = txn.Exec(kDatabaseSize)[0][0].as<int64_t>();
  for (const pqxx::row& row : txn.Exec(kTables, schema)) {
    statistics.tables.push_back(TableStatistics{.name = row[0].as<std::string>(),
                                                .total_bytes = row[1].as<int64_t>(),
                                                .live_rows = row[2].as<int64_t>(),
                                                .dead_rows = row[3].as<int64_t>()});
  }
  for (const pqxx::row& row : txn.Exec(kConnections)) {
    statistics.connections_by_state[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  return statistics;
}

}  // namespace photoflow::store::database_statistics
