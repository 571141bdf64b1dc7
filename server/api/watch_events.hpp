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

// One or more events as entries of WatchTasksResponse.events (tag, length,
// TaskEvent each), so that a write is the concatenation of what it carries.
struct Event {
  int64_t first_seq = 0;            // the first event's position; 0 for EXISTING
  int64_t seq = 0;                  // the last event's position; 0 for EXISTING
  int count = 1;                    // events in `bytes`
  int64_t committed_at_micros = 0;  // one event: its commit; 0 for EXISTING and CURRENT
  std::shared_ptr<const std::vector<int64_t>> commits;  // several: their commits
  std::shared_ptr<const std::string> bytes;
};

// What one read of the log means to the streams of one (filter, read mask):
// each event, and all of them as one piece, built once and shared, so that a
// live stream's part of a delivery is one reference, written without a copy.
struct ViewBatch {
  std::vector<Event> events;
  Event combined;  // count 0 when `events` is empty
};

ViewBatch Combine(std::vector<Event> events);

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
