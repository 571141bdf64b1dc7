#include "store/task_changes.hpp"

#include <bit>
#include <stdexcept>

#include <pqxx/prepared_statement>

#include "store/record_sql.hpp"

namespace photoflow::store::changes {
namespace {

using model::kTaskFields;

// The log keeps each image as JSON (to_jsonb of the row, so that a column
// added to "Tasks" later needs no change here) and its etag beside it.
static_assert(model::kTaskEtag == kTaskFields.size() - 1,
              "ReadRecord reads the etag last: it must be the registry's last field");
constexpr model::FieldSet kImageColumns = model::kTaskColumns & ~model::Bit(model::kTaskEtag);
constexpr int kImageWidth = std::popcount(model::kTaskColumns);

constexpr db::Query kReadState{R"sql(SELECT epoch::text, pruned_through,
  greatest(pruned_through, (SELECT coalesce(max(seq), 0) FROM photoflow_task_changes))
FROM photoflow_watch_state WHERE id = 1)sql",
                               "task_changes_state"};

// Chunks from the oldest change, so that a run with nothing to prune reads
// one page of the index, not the table. Only a prefix of the numbered log
// goes: a change is written (committed_at) before it is numbered, so an old
// change may follow a younger one, and what is below pruned_through must be
// gone.
constexpr db::Query kPrune{R"sql(WITH oldest AS (
  SELECT seq, committed_at < now() - $1 * interval '1 millisecond'
              OR seq <= (SELECT max(seq) FROM photoflow_task_changes) - $2 AS expired
  FROM photoflow_task_changes WHERE seq IS NOT NULL ORDER BY seq LIMIT $3),
doomed AS (
  SELECT seq FROM oldest
  WHERE seq < coalesce((SELECT min(seq) FROM oldest WHERE NOT expired), 9223372036854775807)),
deleted AS (DELETE FROM photoflow_task_changes WHERE seq IN (SELECT seq FROM doomed) RETURNING seq)
UPDATE photoflow_watch_state SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM deleted))
WHERE id = 1 AND EXISTS (SELECT FROM deleted)
RETURNING (SELECT count(*) FROM deleted))sql",
                           "task_changes_prune"};

// Numbers what has committed since the last run, on any server (the
// migration's function: one run at a time).
constexpr db::Query kSequence{"SELECT photoflow_sequence_task_changes($1, $2)",
                              "task_changes_sequence"};

// The columns of one image, read from its JSON as a "Tasks" row, and whether
// it matches each condition; no row when the image is NULL.
std::string ImageSql(const std::string& image, const std::string& etag,
                     const std::vector<std::string>& conditions) {
  std::string sql = "SELECT " + SelectList(kTaskFields, kImageColumns) + ", c." + etag;
  for (const std::string& condition : conditions) sql += ", coalesce((" + condition + "), false)";
  return sql + " FROM jsonb_populate_record(NULL::\"Tasks\", c." + image + ") WHERE c." + image +
         " IS NOT NULL";
}

Operation ParseOperation(const std::string& text) {
  if (text == "INSERT") return Operation::kInsert;
  if (text == "UPDATE") return Operation::kUpdate;
  if (text == "DELETE") return Operation::kDelete;
  throw std::runtime_error("photoflow_task_changes: unknown operation " + text);
}

// Reads one image (kImageWidth columns, then one boolean per condition)
// starting at `column`; nullopt when the image is absent.
std::optional<TaskRow> ReadImage(const pqxx::row& row, pqxx::row::size_type column,
                                 size_t conditions, std::vector<bool>* matches) {
  matches->assign(conditions, false);
  if (row[column].is_null()) return std::nullopt;
  TaskRow image = ReadRecord<TaskRow>(row.slice(column, column + kImageWidth), model::kTaskColumns);
  for (size_t i = 0; i < conditions; ++i) {
    (*matches)[i] = row[column + kImageWidth + static_cast<pqxx::row::size_type>(i)].as<bool>();
  }
  return image;
}

}  // namespace

LogState ReadState(db::Transaction& txn) {
  const pqxx::row row = txn.Exec(kReadState).at(0);
  return {row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()};
}

std::string ReadSql(const std::vector<std::string>& conditions) {
  return "SELECT s.epoch::text, s.pruned_through, c.* FROM photoflow_watch_state AS s LEFT JOIN "
         "LATERAL (SELECT c.seq, c.task_id, c.operation, (extract(epoch FROM c.committed_at) * "
         "1000000)::bigint, old_image.*, new_image.* FROM photoflow_task_changes AS c LEFT JOIN "
         "LATERAL (" +
         ImageSql("old_row", "old_etag", conditions) +
         ") AS old_image ON true LEFT JOIN LATERAL (" +
         ImageSql("new_row", "new_etag", conditions) +
         ") AS new_image ON true WHERE c.seq > $1 ORDER BY c.seq LIMIT $2) AS c ON true "
         "WHERE s.id = 1 ORDER BY c.seq";
}

ChangeBatch Read(db::Transaction& txn, int64_t after_seq, int limit,
                 const std::vector<std::string>& conditions,
                 const std::vector<std::string>& parameters) {
  std::vector<std::string> values{std::to_string(after_seq), std::to_string(limit)};
  values.insert(values.end(), parameters.begin(), parameters.end());
  const std::string text = ReadSql(conditions);
  const pqxx::result result =
      txn.Exec(db::Query{text, "task_changes_read"}, pqxx::prepare::make_dynamic_params(values));
  ChangeBatch batch;
  const pqxx::row& first = result.at(0);
  batch.state.epoch = first[0].as<std::string>();
  batch.state.pruned_through = first[1].as<int64_t>();
  const auto image_columns = static_cast<pqxx::row::size_type>(kImageWidth + conditions.size());
  for (const pqxx::row& row : result) {
    if (row[2].is_null()) continue;  // the state row alone: no change after `after_seq`
    Change change;
    change.seq = row[2].as<int64_t>();
    change.task_id = row[3].as<int32_t>();
    change.operation = ParseOperation(row[4].as<std::string>());
    change.committed_at_micros = row[5].as<int64_t>();
    change.before = ReadImage(row, 6, conditions.size(), &change.before_matches);
    change.after = ReadImage(row, 6 + image_columns, conditions.size(), &change.after_matches);
    batch.changes.push_back(std::move(change));
  }
  return batch;
}

int64_t Sequence(db::Transaction& txn, int max_changes, Contention contention) {
  return txn.Exec(kSequence, max_changes, contention == Contention::kWait).at(0)[0].as<int64_t>();
}

int64_t Prune(db::Transaction& txn, std::chrono::milliseconds max_age, int64_t max_rows,
              int64_t chunk) {
  const pqxx::result result = txn.Exec(kPrune, max_age.count(), max_rows, chunk);
  return result.empty() ? 0 : result[0][0].as<int64_t>();
}

}  // namespace photoflow::store::changes
