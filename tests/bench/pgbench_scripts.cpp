// photoflow-pgbench-scripts DIR: writes one pgbench script per photoflow-bench
// scenario, made of the statements the server runs for that call, taken from
// the store itself (so that they cannot drift apart). The values become
// pgbench variables (-D tasks=N -D columns=K) or constants. Used by
// deploy/local/bench.sh: pgbench -M prepared on these is the limit the service
// is measured against.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/task_fields.hpp"
#include "query/filter.hpp"
#include "query/order_by.hpp"
#include "store/board_summary.hpp"
#include "store/comment_store.hpp"
#include "store/task_store.hpp"

namespace photoflow {
namespace {

// `sql` with $1..$n replaced by `values[1]..` (highest first, so $1 does not
// match the start of $12).
std::string Bind(std::string sql, const std::map<int, std::string>& values) {
  const std::vector<std::pair<int, std::string>> entries(values.begin(), values.end());
  for (size_t i = entries.size(); i-- > 0;) {
    const auto& [number, value] = entries[i];
    const std::string placeholder = "$" + std::to_string(number);
    for (size_t at = sql.find(placeholder); at != std::string::npos;
         at = sql.find(placeholder, at + value.size())) {
      sql.replace(at, placeholder.size(), value);
    }
  }
  return sql;
}

// A value of a writable Task field for create and update.
std::string TaskValue(const model::FieldSpec& field) {
  if (field.name == "task_column") return ":col";
  if (field.name == "status") return "'Scheduled'";
  switch (field.type) {
    case model::FieldType::kTimestamp:
      return ":due";
    case model::FieldType::kBoolean:
      return ":f";
    case model::FieldType::kInteger:
      return "0";
    case model::FieldType::kText:
    case model::FieldType::kRelation:
      break;
  }
  return "'pgbench " + std::string(field.name) + "'";
}

// The ListTasks statement for `filter`, ordered by due_at, 50 rows and the
// look-ahead row (or `limit`): `values` binds the filter's parameters.
std::string ListSql(const std::string& filter, std::map<int, std::string> values,
                    model::FieldSet fields, const char* limit = "51",
                    const char* order_by = "due_at") {
  const query::SqlCondition condition = query::CompileTaskFilter(filter, 1);
  const auto order = query::ParseTaskOrderBy(order_by);
  const size_t parameter = condition.parameters.size() + 1;  // the LIMIT's
  values[static_cast<int>(parameter)] = limit;
  return Bind(store::tasks::ListSql(condition.sql, query::OrderBySql(order), parameter, fields),
              values);
}

}  // namespace
}  // namespace photoflow

int main(int argc, char** argv) {
  using namespace photoflow;
  if (argc != 2) {
    std::cerr << "usage: photoflow-pgbench-scripts DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  // :f is false: a boolean parameter sent as the text "0", as the server binds one.
  const std::string pick_task = "\\set f 0\n\\set id random(1, :tasks)\n";
  const std::string pick_column = "\\set f 0\n\\set col random(1, :columns)\n";
  std::map<std::string, std::string> scripts;

  scripts["get"] = pick_task + Bind(std::string(store::tasks::FindQuery().text()), {{1, ":id"}});

  scripts["list"] =
      "\\set f 0\n" + ListSql("is_finished = false", {{1, ":f"}}, model::kTaskColumns);

  // A column's page and the page's comments, in one snapshot as the server
  // reads them. pgbench cannot hand a result set to the next statement, so
  // the page (every column computed, as the server selects it) yields its ids
  // as one array through \gset, which the comments statement takes as its $1.
  const std::string column_filter = "is_finished = false AND task_column = \"1\"";
  const std::map<int, std::string> column_values{{1, ":f"}, {2, ":col"}};
  scripts["list-column"] =
      pick_column + "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n" +
      "SELECT array_agg(id ORDER BY n) AS ids FROM (SELECT page.*, row_number() OVER () AS n " +
      "FROM (" + ListSql(column_filter, column_values, model::kTaskColumns) +
      ") page) numbered WHERE n <= 50 \\gset\n" +
      Bind(std::string(store::comments::ListForTasksQuery().text()), {{1, ":ids"}}) + ";\nCOMMIT";

  std::map<int, std::string> insert;
  std::map<int, std::string> update{{1, ":id"}, {2, "''"}};
  int insert_parameter = 0;
  int update_parameter = 2;
  for (const model::FieldSpec& field : model::kTaskFields) {
    if (field.Has(model::kWritable)) insert[++insert_parameter] = TaskValue(field);
    if (field.Updatable()) {
      update[++update_parameter] = field.name == "status" ? "1" : "0";  // write status only
      update[++update_parameter] = field.name == "status" ? "'Editing'" : TaskValue(field);
    }
  }
  scripts["create"] = pick_column + "\\set due 1798761600000 + random(0, 59) * 86400000\n" +
                      Bind(std::string(store::tasks::InsertQuery().text()), insert);
  scripts["update"] = pick_task + "\\set col 1\n\\set due 0\n" +
                      Bind(std::string(store::tasks::UpdateQuery().text()), update);
  scripts["comment"] = pick_task + Bind(std::string(store::comments::InsertQuery().text()),
                                        {{1, ":id"}, {2, "'Looks great'"}});

  // A title search (the trigram index): 50 tasks by id whose title holds
  // "order N", the pattern bound as the server binds it.
  scripts["search"] = "\\set n random(1000, 9999)\n" + ListSql("title:\"order 1000\"",
                                                               {{1, "('%order ' || :n || '%')"}},
                                                               model::kTaskColumns, "51", "id");
  scripts["summarize"] = Bind(store::board::SummarizeSql(query::CompileTaskFilter("", 1).sql), {});

  // pgbench (15) ends an SQL command at its ';', so commands may span lines.
  for (const auto& [name, sql] : scripts) std::ofstream(dir / (name + ".sql")) << sql << ";\n";
  return 0;
}
