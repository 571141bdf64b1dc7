#include "store/board_summary.hpp"

#include <pqxx/prepared_statement>

#include "model/task_fields.hpp"

namespace photoflow::store::board {
namespace {

template <model::FieldIndex kField>
std::string Column() {
  return std::string(model::kTaskFields[kField].column);
}

constexpr model::FieldIndex kTaskColumn = model::IndexOf(model::kTaskFields, "task_column");
constexpr model::FieldIndex kIsFinished = model::IndexOf(model::kTaskFields, "is_finished");
constexpr model::FieldIndex kDueAt = model::IndexOf(model::kTaskFields, "due_at");
constexpr model::FieldIndex kComments = model::IndexOf(model::kTaskFields, "amount_of_comments");

}  // namespace

// The clock row makes the statement return one row (with NULL counts) when
// nothing matches, so that as_of comes from the same statement.
std::string SummarizeSql(const std::string& where) {
  const std::string column = Column<kTaskColumn>();
  const std::string finished = Column<kIsFinished>();
  return "SELECT (extract(epoch FROM clock.now) * 1000)::bigint, counts.* FROM (SELECT now() AS "
         "now) AS clock LEFT JOIN LATERAL (SELECT " +
         column + ", count(*) FILTER (WHERE NOT " + finished + "), count(*) FILTER (WHERE " +
         finished + "), count(*) FILTER (WHERE NOT " + finished + " AND " + Column<kDueAt>() +
         " < (clock.now AT TIME ZONE 'UTC')), coalesce(sum(" + Column<kComments>() +
         "), 0)::bigint FROM \"Tasks\" WHERE " + where + " GROUP BY " + column +
         ") AS counts ON true ORDER BY 2";
}

BoardCounts Summarize(db::Transaction& txn, const std::string& where,
                      const std::vector<std::string>& parameters) {
  const std::string text = SummarizeSql(where);
  const pqxx::result result =
      txn.Exec(db::Query{text, "board_summarize"}, pqxx::prepare::make_dynamic_params(parameters));
  BoardCounts counts;
  counts.as_of_millis = result.at(0)[0].as<int64_t>();
  for (const pqxx::row& row : result) {
    if (row[1].is_null()) continue;  // the clock row alone: no task matched
    counts.columns.push_back({.task_column = row[1].as<std::string>(),
                              .unfinished_tasks = row[2].as<int64_t>(),
                              .finished_tasks = row[3].as<int64_t>(),
                              .overdue_tasks = row[4].as<int64_t>(),
                              .comments = row[5].as<int64_t>()});
  }
  return counts;
}

}  // namespace photoflow::store::board
