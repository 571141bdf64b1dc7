#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/transaction.hpp"
#include "store/rows.hpp"

// Every SQL statement on the change log behind WatchTasks
// (photoflow_task_changes and photoflow_watch_state, written by the triggers
// of migration 20261203400000_task_changes; docs/design/watch-tasks.md).
namespace photoflow::store::changes {

// Where the log stands. A position (seq) is valid while it is at least
// `pruned_through` and the epoch is the same.
struct LogState {
  std::string epoch;           // changes when the log stops describing "Tasks" (TRUNCATE, restore)
  int64_t pruned_through = 0;  // changes up to here may be gone
  int64_t head = 0;            // the last committed change (or pruned_through)
};

enum class Operation { kInsert, kUpdate, kDelete };

struct Change {
  int64_t seq = 0;
  int32_t task_id = 0;
  Operation operation = Operation::kUpdate;
  int64_t committed_at_micros = 0;  // since the Unix epoch
  std::optional<TaskRow> before;    // every column; etag = the row version's
  std::optional<TaskRow> after;
  // Per condition passed to Read: whether `before` / `after` matches it.
  std::vector<bool> before_matches;
  std::vector<bool> after_matches;
};

struct ChangeBatch {
  LogState state;               // from the same snapshot as the changes (head unset)
  std::vector<Change> changes;  // in seq order
};

// The listener's channel: the sequencer NOTIFYs it (without payload) when it
// has numbered changes, and TRUNCATE when it starts a new epoch.
inline constexpr const char* kChannel = "photoflow_task_changes";

LogState ReadState(db::Transaction& txn);

// Up to `limit` changes after `after_seq`, each image tested against every
// one of `conditions`: SQL over the "Tasks" columns built by query/ from
// registry columns and $n placeholders, whose values are `parameters`, bound
// from $3 on.
ChangeBatch Read(db::Transaction& txn, int64_t after_seq, int limit,
                 const std::vector<std::string>& conditions,
                 const std::vector<std::string>& parameters);

// The statement Read runs (exposed so that tests can EXPLAIN it).
std::string ReadSql(const std::vector<std::string>& conditions);

// Gives up to `max_changes` committed changes their place in the log (seq):
// a transaction's changes together, in the order they were written, and
// transactions in the order of their first change. Until then no reader
// sees them. One run
// at a time, on any server: kWait waits for a run in progress (and then
// numbers what that one had not seen), kSkip returns -1 at once (the run in
// progress will NOTIFY what it numbers). Returns how many it numbered. Run
// it in a transaction of its own: its numbers are visible once that commits.
enum class Contention { kWait, kSkip };
int64_t Sequence(db::Transaction& txn, int max_changes, Contention contention);

// Deletes up to `chunk` of the oldest numbered changes that are older than `max_age`
// or beyond the newest `max_rows`, and moves pruned_through past them, in one
// statement. Returns how many went.
int64_t Prune(db::Transaction& txn, std::chrono::milliseconds max_age, int64_t max_rows,
              int64_t chunk);

}  // namespace photoflow::store::changes
