#pragma once

#include <cstdint>
#include <string>

namespace photoflow::store {

// The writable columns of a "Tasks" row. Timestamps are milliseconds since the
// Unix epoch, UTC (the columns are TIMESTAMP(3) without time zone, holding UTC
// as the Prisma app writes them).
struct TaskValues {
  int64_t due_at_ms = 0;
  std::string title;  // column "task"
  std::string additional_information;
  std::string status;
  bool is_finished = false;
  std::string task_column;  // column "taskColumn"
};

// Which writable columns an update changes.
struct TaskColumns {
  bool due_at = false;
  bool title = false;
  bool additional_information = false;
  bool status = false;
  bool is_finished = false;
  bool task_column = false;

  bool any() const {
    return due_at || title || additional_information || status || is_finished || task_column;
  }
};

struct TaskRow {
  int32_t id = 0;
  int64_t created_at_ms = 0;
  TaskValues values;
  int32_t amount_of_comments = 0;
  // PostgreSQL's row version (xmin): changes with every write to the row, by
  // any program, without a column of our own in "Tasks".
  std::string etag;
};

struct CommentRow {
  int32_t id = 0;
  int64_t created_at_ms = 0;
  int32_t task_id = 0;
  std::string text;  // column "comment"
};

// Fields of a "Tasks" row that a read selects (read_mask), as bits.
enum TaskField : uint32_t {
  kTaskId = 1U << 0,
  kTaskCreatedAt = 1U << 1,
  kTaskDueAt = 1U << 2,
  kTaskTitle = 1U << 3,
  kTaskAdditionalInformation = 1U << 4,
  kTaskStatus = 1U << 5,
  kTaskIsFinished = 1U << 6,
  kTaskTaskColumn = 1U << 7,
  kTaskAmountOfComments = 1U << 8,
  kTaskEtag = 1U << 9,
};
using TaskFieldSet = uint32_t;
constexpr TaskFieldSet kAllTaskFields = (1U << 10) - 1;

// Outcome of a conditional write (optionally guarded by an etag).
enum class WriteOutcome { kDone, kNotFound, kStaleEtag };

}  // namespace photoflow::store
