#include "api/task_reads.hpp"

#include "api/status_error.hpp"
#include "store/comment_store.hpp"

namespace photoflow::api {

ReadMask ParseTaskReadMask(const google::protobuf::FieldMask& mask) {
  return ParseReadMask(model::kTaskFields, mask, "read_mask", model::kTaskId);
}

bool IncludesComments(const ReadMask& mask) {
  return (mask.fields & model::Bit(model::kTaskComments)) != 0;
}

query::SqlCondition CompileFilter(const std::string& filter, int first_parameter,
                                  std::string_view field) {
  try {
    return query::CompileTaskFilter(filter, first_parameter);
  } catch (const query::FilterError& error) {
    ThrowInvalidArgument(field, error.what());
  }
}

TaskRows ReadComments(db::Transaction& txn, std::vector<store::TaskRow> tasks,
                      bool include_comments) {
  TaskRows rows{std::move(tasks), {}};
  if (include_comments && !rows.tasks.empty()) {
    std::vector<int32_t> ids;
    ids.reserve(rows.tasks.size());
    for (const store::TaskRow& task : rows.tasks) ids.push_back(task.int32(model::kTaskId));
    rows.comments = store::comments::ListForTasks(txn, ids);  // one query for the whole page
  }
  return rows;
}

}  // namespace photoflow::api
