#pragma once

#include "model/comment_fields.hpp"
#include "model/task_fields.hpp"

namespace photoflow::store {

// Rows as the store reads and writes them: one value per registry field
// (model/). Timestamps are milliseconds since the Unix epoch, UTC (the columns
// are TIMESTAMP(3) without time zone, holding UTC as the Prisma app writes
// them).
using model::CommentRow;
using model::TaskRow;

// Outcome of a conditional write (optionally guarded by an etag).
enum class WriteOutcome { kDone, kNotFound, kStaleEtag };

}  // namespace photoflow::store
