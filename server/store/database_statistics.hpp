#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/transaction.hpp"

// Every SQL statement behind the database metrics. All read PostgreSQL's
// catalogs and cumulative statistics, never the tables themselves, so their
// cost does not grow with the number of rows.
namespace photoflow::store::database_statistics {

struct TableStatistics {
  std::string name;
  int64_t total_bytes = 0;  // pg_total_relation_size: heap, indexes, TOAST
  int64_t live_rows = 0;    // pg_stat_user_tables estimates
  int64_t dead_rows = 0;
};

struct DatabaseStatistics {
  int64_t database_bytes = 0;
  std::vector<TableStatistics> tables;
  // pg_stat_activity backends of this database by state ("unknown" when the
  // role may not see another role's backends).
  std::map<std::string, int64_t> connections_by_state;
};

// Reads everything for the tables of `schema` (empty: the current schema).
DatabaseStatistics Read(db::Transaction& txn, const std::string& schema);

}  // namespace photoflow::store::database_statistics
