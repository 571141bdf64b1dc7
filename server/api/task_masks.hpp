#pragma once

#include <google/protobuf/field_mask.pb.h>

#include "photoflow/v1/task.pb.h"
#include "store/rows.hpp"

// read_mask and update_mask handling for tasks. Invalid paths throw
// StatusError(INVALID_ARGUMENT) naming the mask.
namespace photoflow::api {

struct TaskReadMask {
  google::protobuf::FieldMask paths;  // empty: every field but comments
  bool include_comments = false;
  // The columns to select; id is always among them (comments attach by id).
  store::TaskFieldSet columns = store::kAllTaskFields;
};

// The column bit of a Task field name; 0 for comments or unknown names.
store::TaskFieldSet TaskFieldBit(std::string_view name);

TaskReadMask ParseTaskReadMask(const google::protobuf::FieldMask& mask, std::string_view field);

// Clears every field of `task` that `mask` does not name.
void ApplyTaskReadMask(const TaskReadMask& mask, v1::Task* task);

// Every writable column (what a create writes).
store::TaskColumns AllTaskColumns();

// The columns an update writes. Empty mask or "*": every writable field.
// Output-only paths are ignored.
store::TaskColumns ParseTaskUpdateMask(const google::protobuf::FieldMask& mask);

}  // namespace photoflow::api
