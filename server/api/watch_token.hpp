#pragma once

#include <cstdint>
#include <optional>
#include <string>

// WatchTasks' resume tokens: a position in the change log, opaque to clients
// (docs/api.md, "Watching the board").
namespace photoflow::api::watch {

struct Position {
  std::string epoch;  // the log's epoch (photoflow_watch_state)
  int64_t seq = 0;    // changes up to here are reflected
  // Set while the initial state is being sent: tasks with id up to here were
  // sent, and changes after `seq` follow them.
  std::optional<int32_t> initial_after_id;
};

std::string EncodeToken(const Position& position);

// INVALID_ARGUMENT (StatusError) naming resume_token when it is not one.
Position DecodeToken(const std::string& token);

}  // namespace photoflow::api::watch
