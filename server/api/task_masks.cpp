#include "api/task_masks.hpp"

#include <string>

#include <google/protobuf/util/field_mask_util.h>

#include "api/status_error.hpp"

namespace photoflow::api {
namespace {

using google::protobuf::util::FieldMaskUtil;

bool IsOutputOnly(const std::string& path) {
  return path == "id" || path == "created_at" || path == "amount_of_comments" ||
         path == "comments" || path == "etag";
}

}  // namespace

store::TaskFieldSet TaskFieldBit(std::string_view name) {
  if (name == "id") return store::kTaskId;
  if (name == "created_at") return store::kTaskCreatedAt;
  if (name == "due_at") return store::kTaskDueAt;
  if (name == "title") return store::kTaskTitle;
  if (name == "additional_information") return store::kTaskAdditionalInformation;
  if (name == "status") return store::kTaskStatus;
  if (name == "is_finished") return store::kTaskIsFinished;
  if (name == "task_column") return store::kTaskTaskColumn;
  if (name == "amount_of_comments") return store::kTaskAmountOfComments;
  if (name == "etag") return store::kTaskEtag;
  return 0;
}

TaskReadMask ParseTaskReadMask(const google::protobuf::FieldMask& mask, std::string_view field) {
  TaskReadMask parsed;
  if (mask.paths_size() > 0) parsed.columns = store::kTaskId;
  for (const std::string& path : mask.paths()) {
    if (!FieldMaskUtil::GetFieldDescriptors(v1::Task::descriptor(), path, nullptr) ||
        path.find('.') != std::string::npos) {
      ThrowInvalidArgument(field, "unknown field '" + path + "'");
    }
    if (path == "comments") parsed.include_comments = true;
    parsed.columns |= TaskFieldBit(path);
  }
  parsed.paths = mask;
  return parsed;
}

void ApplyTaskReadMask(const TaskReadMask& mask, v1::Task* task) {
  if (mask.paths.paths_size() == 0) return;
  FieldMaskUtil::TrimMessage(mask.paths, task);
}

store::TaskColumns AllTaskColumns() {
  return {.due_at = true,
          .title = true,
          .additional_information = true,
          .status = true,
          .is_finished = true,
          .task_column = true};
}

store::TaskColumns ParseTaskUpdateMask(const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) return AllTaskColumns();
  store::TaskColumns columns;
  bool everything = false;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      everything = true;
    } else if (path == "due_at") {
      columns.due_at = true;
    } else if (path == "title") {
      columns.title = true;
    } else if (path == "additional_information") {
      columns.additional_information = true;
    } else if (path == "status") {
      columns.status = true;
    } else if (path == "is_finished") {
      columns.is_finished = true;
    } else if (path == "task_column") {
      columns.task_column = true;
    } else if (!IsOutputOnly(path)) {
      ThrowInvalidArgument("update_mask", "unknown or immutable field '" + path + "'");
    }
  }
  return everything ? AllTaskColumns() : columns;
}

}  // namespace photoflow::api
