#include "store/task_store.hpp"

#include <stdexcept>
#include <unordered_set>

#include <pqxx/prepared_statement>

#include "store/record_sql.hpp"

namespace photoflow::store::tasks {
namespace {

using model::Bit;
using model::FieldSpec;
using model::kTaskFields;

constexpr db::Query kExists{R"sql(SELECT 1 FROM "Tasks" WHERE id = $1)sql", "task_exists"};
constexpr db::Query kExistMany{R"sql(SELECT id FROM "Tasks" WHERE id = ANY($1::integer[]))sql",
                               "task_exist_many"};

// The statements below derive their columns from the registry; each is built
// once, on first use, and never changes after.

// Task $1, unless $2 is a non-empty etag the row no longer has.
std::string WhereIdAndEtag() {
  return "WHERE id = $1 AND ($2 = '' OR " + std::string(kTaskFields[model::kTaskEtag].column) +
         " = $2)";
}

const db::Query& DeleteQuery() {
  static const std::string text = "DELETE FROM \"Tasks\" " + WhereIdAndEtag() + " RETURNING id";
  static const db::Query query{text, "task_delete"};
  return query;
}

}  // namespace

// INSERT of every writable field, as $1..$n in registry order.
const db::Query& InsertQuery() {
  static const std::string text = [] {
    std::string columns;
    std::string values;
    int parameter = 0;
    for (const FieldSpec& field : kTaskFields) {
      if (!field.Has(model::kWritable)) continue;
      const std::string separator = parameter == 0 ? "" : ", ";
      ++parameter;
      columns += separator + std::string(field.column);
      values += separator + model::ParameterSql(field.type, parameter);
    }
    return "INSERT INTO \"Tasks\" (" + columns + ") VALUES (" + values + ") RETURNING " +
           SelectList(kTaskFields, model::kTaskColumns);
  }();
  static const db::Query query{text, "task_insert"};
  return query;
}

// UPDATE of task $1 guarded by etag $2; each updatable field then takes two
// parameters: whether to write it, and its value.
const db::Query& UpdateQuery() {
  static const std::string text = [] {
    std::string assignments;
    int parameter = 2;
    for (const FieldSpec& field : kTaskFields) {
      if (!field.Updatable()) continue;
      const std::string column(field.column);
      const int write = ++parameter;
      const int value = ++parameter;
      if (!assignments.empty()) assignments += ", ";
      assignments += column;
      assignments += " = CASE WHEN $" + std::to_string(write) + "::boolean THEN ";
      assignments += model::ParameterSql(field.type, value);
      assignments += " ELSE " + column + " END";
    }
    return "UPDATE \"Tasks\" SET " + assignments + " " + WhereIdAndEtag() + " RETURNING " +
           SelectList(kTaskFields, model::kTaskColumns);
  }();
  static const db::Query query{text, "task_update"};
  return query;
}

// One row per element of the arrays $1..$n (one per writable field, in
// registry order). Each row's id is drawn from the column's own sequence
// before the INSERT, so that the rows it returns are matched to their inputs
// by id and ordinal, never by the order of RETURNING.
const db::Query& InsertManyQuery() {
  static const std::string text = [] {
    std::string arrays;
    std::string elements;  // c1, c2, ...: the unnest's columns
    std::string columns;
    std::string values;
    int parameter = 0;
    for (const FieldSpec& field : kTaskFields) {
      if (!field.Has(model::kWritable)) continue;
      const std::string separator = parameter == 0 ? "" : ", ";
      ++parameter;
      const std::string element = "c" + std::to_string(parameter);
      arrays += separator + model::ArrayParameterSql(field.type, parameter);
      elements += separator + element;
      columns += ", " + std::string(field.column);
      values += ", " + model::ElementSql(field.type, element);
    }
    return "WITH input AS MATERIALIZED (SELECT nextval(pg_catalog.pg_get_serial_sequence("
           "'\"Tasks\"', 'id'))::integer AS id, ordinal, " +
           elements + " FROM unnest(" + arrays + ") WITH ORDINALITY AS rows(" + elements +
           ", ordinal)),\ninserted AS (INSERT INTO \"Tasks\" (id" + columns + ") SELECT id" +
           values + " FROM input ORDER BY ordinal RETURNING " +
           SelectList(kTaskFields, model::kTaskColumns) +
           ")\nSELECT inserted.*, input.ordinal FROM inserted JOIN input USING (id)";
  }();
  static const db::Query query{text, "task_insert_many"};
  return query;
}

namespace {

std::string FindSql(model::FieldSet fields) {
  return "SELECT " + SelectList(kTaskFields, fields) + " FROM \"Tasks\" WHERE id = $1";
}

}  // namespace

// The whole row by id; other field sets (read masks) are variants of it.
const db::Query& FindQuery() {
  static const std::string text = FindSql(model::kTaskColumns);
  static const db::Query query{text, "task_find"};
  return query;
}

TaskRow Insert(db::Transaction& txn, const TaskRow& values) {
  std::vector<std::string> parameters;
  for (size_t i = 0; i < kTaskFields.size(); ++i) {
    if (kTaskFields[i].Has(model::kWritable)) {
      parameters.push_back(model::ParameterText(kTaskFields[i].type, values[i]));
    }
  }
  const pqxx::result result =
      txn.Exec(InsertQuery(), pqxx::prepare::make_dynamic_params(parameters));
  return ReadRecord<TaskRow>(result.at(0), model::kTaskColumns);
}

std::optional<TaskRow> Find(db::Transaction& txn, int32_t id, model::FieldSet fields) {
  fields = (fields | Bit(model::kTaskId)) & model::kTaskColumns;
  pqxx::result result;
  if (fields == model::kTaskColumns) {
    result = txn.Exec(FindQuery(), id);
  } else {
    const std::string text = FindSql(fields);
    result = txn.Exec(db::Query{text, "task_find"}, id);
  }
  if (result.empty()) return std::nullopt;
  return ReadRecord<TaskRow>(result[0], fields);
}

const db::Query& FindManyQuery() {
  static const std::string text = "SELECT " + SelectList(kTaskFields, model::kTaskColumns) +
                                  " FROM \"Tasks\" WHERE id = ANY($1::integer[])";
  static const db::Query query{text, "task_find_many"};
  return query;
}

bool Exists(db::Transaction& txn, int32_t id) { return !txn.Exec(kExists, id).empty(); }

std::vector<TaskRow> FindMany(db::Transaction& txn, const std::vector<int32_t>& ids) {
  std::vector<std::string> elements;
  elements.reserve(ids.size());
  for (const int32_t id : ids) elements.push_back(std::to_string(id));
  return ReadRecords<TaskRow>(txn.Exec(FindManyQuery(), model::ArrayText(elements)),
                              model::kTaskColumns);
}

const db::Query& DeleteManyQuery() {
  static const std::string text =
      "DELETE FROM \"Tasks\" USING unnest($1::integer[], $2::text[]) AS input(task_id, etag) "
      "WHERE id = input.task_id AND (input.etag = '' OR " +
      std::string(kTaskFields[model::kTaskEtag].column) + " = input.etag) RETURNING id";
  static const db::Query query{text, "task_delete_many"};
  return query;
}

std::vector<WriteOutcome> DeleteMany(db::Transaction& txn, const std::vector<int32_t>& ids,
                                     const std::vector<std::string>& etags) {
  std::vector<std::string> id_elements;
  id_elements.reserve(ids.size());
  for (const int32_t id : ids) id_elements.push_back(std::to_string(id));
  const std::string id_array = model::ArrayText(id_elements);
  std::unordered_set<int32_t> deleted;
  for (const pqxx::row& row : txn.Exec(DeleteManyQuery(), id_array, model::ArrayText(etags))) {
    deleted.insert(row[0].as<int32_t>());
  }
  std::vector<WriteOutcome> outcomes(ids.size(), WriteOutcome::kDone);
  if (deleted.size() == ids.size()) return outcomes;
  // Something was left: tell a missing task from a stale etag.
  std::unordered_set<int32_t> present;
  for (const pqxx::row& row : txn.Exec(kExistMany, id_array)) present.insert(row[0].as<int32_t>());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (deleted.contains(ids[i])) continue;
    outcomes[i] = present.contains(ids[i]) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound;
  }
  return outcomes;
}

std::vector<TaskRow> InsertMany(db::Transaction& txn, const std::vector<TaskRow>& values) {
  std::vector<std::string> arrays;
  std::vector<std::string> elements(values.size());
  for (size_t field = 0; field < kTaskFields.size(); ++field) {
    if (!kTaskFields[field].Has(model::kWritable)) continue;
    for (size_t row = 0; row < values.size(); ++row) {
      elements[row] = model::ParameterText(kTaskFields[field].type, values[row][field]);
    }
    arrays.push_back(model::ArrayText(elements));
  }
  const pqxx::result result =
      txn.Exec(InsertManyQuery(), pqxx::prepare::make_dynamic_params(arrays));
  if (result.size() != values.size()) {
    throw std::logic_error("task_insert_many returned " + std::to_string(result.size()) +
                           " rows for " + std::to_string(values.size()));
  }
  std::vector<TaskRow> rows(values.size());
  std::vector<bool> seen(values.size(), false);
  for (const pqxx::row& row : result) {
    const auto ordinal = row[row.size() - 1].as<int64_t>();
    if (ordinal < 1 || ordinal > static_cast<int64_t>(values.size()) || seen[ordinal - 1]) {
      throw std::logic_error("task_insert_many returned ordinal " + std::to_string(ordinal));
    }
    seen[ordinal - 1] = true;
    rows[ordinal - 1] = ReadRecord<TaskRow>(row, model::kTaskColumns);
  }
  return rows;
}

std::string ListSql(const std::string& where, const std::string& order_by, size_t limit_parameter,
                    model::FieldSet fields) {
  return "SELECT " + SelectList(kTaskFields, fields) + " FROM \"Tasks\" WHERE " + where +
         " ORDER BY " + order_by + " LIMIT $" + std::to_string(limit_parameter);
}

std::vector<TaskRow> List(db::Transaction& txn, const std::string& where,
                          const std::vector<std::string>& parameters, const std::string& order_by,
                          int limit, model::FieldSet fields) {
  std::vector<std::string> values = parameters;
  values.push_back(std::to_string(limit));
  const std::string text = ListSql(where, order_by, values.size(), fields);
  return ReadRecords<TaskRow>(
      txn.Exec(db::Query{text, "task_list"}, pqxx::prepare::make_dynamic_params(values)), fields);
}

UpdateResult Update(db::Transaction& txn, int32_t id, const TaskRow& values,
                    model::FieldSet columns, const std::string& expected_etag) {
  std::vector<std::string> parameters{std::to_string(id), expected_etag};
  for (size_t i = 0; i < kTaskFields.size(); ++i) {
    if (!kTaskFields[i].Updatable()) continue;
    const bool write = (columns & Bit(i)) != 0;
    parameters.emplace_back(write ? "true" : "false");
    parameters.push_back(model::ParameterText(kTaskFields[i].type, values[i]));
  }
  const pqxx::result result =
      txn.Exec(UpdateQuery(), pqxx::prepare::make_dynamic_params(parameters));
  if (!result.empty()) {
    return {WriteOutcome::kDone, ReadRecord<TaskRow>(result[0], model::kTaskColumns)};
  }
  return {Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound, std::nullopt};
}

WriteOutcome Delete(db::Transaction& txn, int32_t id, const std::string& expected_etag) {
  if (!txn.Exec(DeleteQuery(), id, expected_etag).empty()) return WriteOutcome::kDone;
  return Exists(txn, id) ? WriteOutcome::kStaleEtag : WriteOutcome::kNotFound;
}

}  // namespace photoflow::store::tasks
