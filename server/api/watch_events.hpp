#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "model/field.hpp"
#include "photoflow/v1/task_service.pb.h"
#include "store/rows.hpp"
#include "store/task_changes.hpp"

// WatchTasks events, encoded once and shared by every stream that sends them.
namespace photoflow::api::watch {

// One event as an entry of WatchTasksResponse.events (tag, length, TaskEvent),
// so that a write is the concatenation of the events it carries.
struct Event {
  int64_t seq = 0;                  // the change's position; 0 for EXISTING
  int64_t committed_at_micros = 0;  // 0 for EXISTING and CURRENT
  std::shared_ptr<const std::string> bytes;
};

// What `change` is to a view whose filter the old and new images match or
// not: CREATED, UPDATED, DELETED, REMOVED, or nothing (the view never held the
// task and does not now).
std::optional<v1::TaskEvent::Type> EventType(const store::changes::Change& change,
                                             bool before_matches, bool after_matches);

// `task` (its `fields`; only id and etag for DELETED and REMOVED) in an event
// of `type`; `task` is null for CURRENT.
Event MakeEvent(v1::TaskEvent::Type type, const store::TaskRow* task, model::FieldSet fields,
                const std::string& resume_token, int64_t seq, int64_t committed_at_micros);

}  // namespace photoflow::api::watch
