#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "photoflow/v1/comment.pb.h"
#include "photoflow/v1/task.pb.h"
#include "query/order_by.hpp"
#include "store/rows.hpp"

// Conversions between API messages and store rows.
namespace photoflow::api {

// Milliseconds since the epoch; finer fractions are truncated toward the past.
int64_t ToEpochMillis(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp FromEpochMillis(int64_t millis);

void ToProto(const store::TaskRow& row, v1::Task* task);
void ToProto(const store::CommentRow& row, v1::Comment* comment);

// The values of `keys` in `row`, as page tokens carry them (timestamps as
// epoch milliseconds, booleans as true/false).
std::vector<std::string> SortKeyValues(const store::TaskRow& row,
                                       const std::vector<query::SortKey>& keys);

// The `columns` of `task` (validated); the others keep their defaults. An
// empty task_column becomes the default column "1".
store::TaskValues ToTaskValues(const v1::Task& task, const store::TaskColumns& columns);

}  // namespace photoflow::api
