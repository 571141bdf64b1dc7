#include "api/mapping.hpp"

#include <stdexcept>

namespace photoflow::api {
namespace {

constexpr const char* kDefaultTaskColumn = "1";

int64_t FloorDiv(int64_t value, int64_t divisor) {
  const int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

int64_t ToEpochMillis(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000 + timestamp.nanos() / 1'000'000;
}

google::protobuf::Timestamp FromEpochMillis(int64_t millis) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = FloorDiv(millis, 1000);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>((millis - seconds * 1000) * 1'000'000));
  return timestamp;
}

void ToProto(const store::TaskRow& row, v1::Task* task) {
  task->set_id(row.id);
  *task->mutable_created_at() = FromEpochMillis(row.created_at_ms);
  *task->mutable_due_at() = FromEpochMillis(row.values.due_at_ms);
  task->set_title(row.values.title);
  task->set_additional_information(row.values.additional_information);
  task->set_status(row.values.status);
  task->set_is_finished(row.values.is_finished);
  task->set_task_column(row.values.task_column);
  task->set_amount_of_comments(row.amount_of_comments);
  task->set_etag(row.etag);
}

void ToProto(const store::CommentRow& row, v1::Comment* comment) {
  comment->set_id(row.id);
  *comment->mutable_created_at() = FromEpochMillis(row.created_at_ms);
  comment->set_task_id(row.task_id);
  comment->set_text(row.text);
}

std::vector<std::string> SortKeyValues(const store::TaskRow& row,
                                       const std::vector<query::SortKey>& keys) {
  std::vector<std::string> values;
  values.reserve(keys.size());
  for (const query::SortKey& key : keys) {
    const std::string_view name = key.field->name;
    if (name == "id") {
      values.push_back(std::to_string(row.id));
    } else if (name == "title") {
      values.push_back(row.values.title);
    } else if (name == "additional_information") {
      values.push_back(row.values.additional_information);
    } else if (name == "status") {
      values.push_back(row.values.status);
    } else if (name == "is_finished") {
      values.emplace_back(row.values.is_finished ? "true" : "false");
    } else if (name == "task_column") {
      values.push_back(row.values.task_column);
    } else if (name == "due_at") {
      values.push_back(std::to_string(row.values.due_at_ms));
    } else if (name == "created_at") {
      values.push_back(std::to_string(row.created_at_ms));
    } else if (name == "amount_of_comments") {
      values.push_back(std::to_string(row.amount_of_comments));
    } else {
      throw std::logic_error("no sort value for field " + std::string(name));
    }
  }
  return values;
}

store::TaskValues ToTaskValues(const v1::Task& task, const store::TaskColumns& columns) {
  store::TaskValues values;
  if (columns.due_at) values.due_at_ms = ToEpochMillis(task.due_at());
  if (columns.title) values.title = task.title();
  if (columns.additional_information) {
    values.additional_information = task.additional_information();
  }
  if (columns.status) values.status = task.status();
  if (columns.is_finished) values.is_finished = task.is_finished();
  if (columns.task_column) {
    values.task_column = task.task_column().empty() ? kDefaultTaskColumn : task.task_column();
  }
  return values;
}

}  // namespace photoflow::api
