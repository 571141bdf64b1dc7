#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/transaction.hpp"

// Every SQL statement of photoflow-admin archive and unarchive: finished
// tasks and their comments move between "Tasks"/task_comments and the
// service's own archive tables (migration 20261203100000_archive_tables),
// rows unchanged, ids kept. Each batch is one short transaction of two
// statements: the first locks the batch's tasks (skipping any that a call
// holds), the second, with a snapshot taken after the locks, moves them with
// every comment committed before it, so a comment can neither be left behind
// nor lost, and amount_of_comments stays equal to the comments moved.
namespace photoflow::store::archive {

struct Moved {
  int64_t tasks = 0;
  int64_t comments = 0;
  // The moved tasks' amount_of_comments added up: equal to `comments` while
  // the counters are right (a move never changes them).
  int64_t counted_comments = 0;
};

// Which tasks: finished ones due before `due_before` (ISO 8601, UTC), or the
// archived ones with these ids (unarchive --task-id), or all archived ones.
struct Selection {
  std::string due_before;     // empty: any due date
  std::vector<int> task_ids;  // empty: any id
};

// Locks up to `limit` of the matching tasks, lowest ids first; empty when
// none is left (or every one left is locked by a call right now).
std::vector<int> LockTasksToArchive(db::Transaction& txn, const Selection& selection, int limit);
Moved MoveToArchive(db::Transaction& txn, const std::vector<int>& task_ids);

std::vector<int> LockArchivedTasks(db::Transaction& txn, const Selection& selection, int limit);
Moved MoveFromArchive(db::Transaction& txn, const std::vector<int>& task_ids);

// Whether the archive tables exist (migration 20261203100000 applied).
bool Installed(db::Transaction& txn);

// What a run would move now (dry run), and what is in the archive.
Moved CountToArchive(db::Transaction& txn, const Selection& selection);
Moved CountArchived(db::Transaction& txn, const Selection& selection);

}  // namespace photoflow::store::archive
