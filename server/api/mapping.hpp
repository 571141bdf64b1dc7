#pragma once

#include <string>
#include <vector>

#include "api/proto_binding.hpp"
#include "photoflow/v1/comment.pb.h"
#include "photoflow/v1/task.pb.h"
#include "query/order_by.hpp"
#include "store/rows.hpp"

// Conversions between API messages and store rows, all derived from the field
// registries (model/).
namespace photoflow::api {

// The registries bound to photoflow.v1.Task and photoflow.v1.Comment. Built
// on first use; the server builds them at start-up, so that a registry that
// disagrees with the proto stops it at once (and a unit test before that).
const ProtoBinding<store::TaskRow>& TaskBinding();
const ProtoBinding<store::CommentRow>& CommentBinding();

// Sets the `fields` of `task` from `row` (comments are added separately).
void ToProto(const store::TaskRow& row, model::FieldSet fields, v1::Task* task);
void ToProto(const store::CommentRow& row, v1::Comment* comment);

// The values of `keys` in `row`, as page tokens carry them (timestamps as
// epoch milliseconds, booleans as true/false).
std::vector<std::string> SortKeyValues(const store::TaskRow& row,
                                       const std::vector<query::SortKey>& keys);

// The `fields` of `task` (validated) as a row; an empty text field with a
// registry default (task_column: "1") gets it.
store::TaskRow ToTaskValues(const v1::Task& task, model::FieldSet fields);

}  // namespace photoflow::api
