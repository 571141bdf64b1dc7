#include "store/database_statistics.hpp"

#include <pqxx/result>

#include "db/exec.hpp"

namespace photoflow::store::database_statistics {

DatabaseStatistics Read(pqxx::transaction_base& txn, const std::string& schema) {
  DatabaseStatistics statistics;
  statistics.database_bytes =
      db::Exec(txn, "SELECT pg_catalog.pg_database_size(pg_catalog.current_database())")[0][0]
          .as<int64_t>();

  const pqxx::result tables =
      db::Exec(txn,
               "SELECT relname, pg_catalog.pg_total_relation_size(relid), n_live_tup, n_dead_tup "
               "FROM pg_catalog.pg_stat_user_tables "
               "WHERE schemaname = COALESCE(NULLIF($1, ''), pg_catalog.current_schema()) "
               "ORDER BY relname",
               schema);
  for (const pqxx::row& row : tables) {
    statistics.tables.push_back(TableStatistics{.name = row[0].as<std::string>(),
                                                .total_bytes = row[1].as<int64_t>(),
                                                .live_rows = row[2].as<int64_t>(),
                                                .dead_rows = row[3].as<int64_t>()});
  }

  const pqxx::result connections = db::Exec(
      txn,
      "SELECT COALESCE(state, 'unknown'), pg_catalog.count(*) FROM pg_catalog.pg_stat_activity "
      "WHERE datname = pg_catalog.current_database() GROUP BY 1");
  for (const pqxx::row& row : connections) {
    statistics.connections_by_state[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  return statistics;
}

}  // namespace photoflow::store::database_statistics
