#include "admin/archive.hpp"

#include <chrono>
#include <iostream>

#include <pqxx/transaction>

#include "admin/report.hpp"
#include "store/archive.hpp"

namespace photoflow::admin {
namespace {

using store::archive::Moved;
using store::archive::Selection;

// Each batch's settings. READ COMMITTED, whatever the role's default: the
// move's snapshot must be taken after the lock statement (store/archive.hpp).
// A batch waits at most 5 s for a row lock (a call's): then it fails and the
// next run retries, rather than holding up the calls queued behind it.
constexpr const char* kBatchIsolation = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
constexpr const char* kBatchLockTimeout = "SET LOCAL lock_timeout = '5s'";

struct Direction {
  const char* command;  // "archive" or "unarchive"
  std::vector<int> (*lock)(db::Transaction&, const Selection&, int);
  Moved (*move)(db::Transaction&, const std::vector<int>&);
  Moved (*count)(db::Transaction&, const Selection&);
};

constexpr Direction kToArchive{"archive", store::archive::LockTasksToArchive,
                               store::archive::MoveToArchive, store::archive::CountToArchive};
constexpr Direction kFromArchive{"unarchive", store::archive::LockArchivedTasks,
                                 store::archive::MoveFromArchive, store::archive::CountArchived};

template <typename Work>
auto InTransaction(Database& database, Work work) {
  pqxx::work transaction(database.connection());
  db::Transaction txn(transaction, database.connection());
  auto result = work(transaction, txn);
  transaction.commit();
  return result;
}

int Run(const Direction& direction, const Options& options, Database& database) {
  const Selection selection{.due_before = options.due_before, .task_ids = options.task_ids};
  const bool installed = InTransaction(
      database, [](pqxx::work&, db::Transaction& txn) { return store::archive::Installed(txn); });
  if (!installed) {
    std::cerr << "photoflow-admin: the archive tables are missing: run photoflow-migrate deploy"
              << std::endl;
    return 1;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::string due_before = options.due_before.empty() ? "" : options.due_before + " UTC";
  if (options.dry_run) {
    const Moved would = InTransaction(database, [&](pqxx::work&, db::Transaction& txn) {
      return direction.count(txn, selection);
    });
    if (options.json) {
      std::cout << JsonObject()
                       .Add("command", direction.command)
                       .Add("dry_run", true)
                       .Add("finished_before", due_before)
                       .Add("tasks", would.tasks)
                       .Add("comments", would.comments)
                       .str()
                << std::endl;
    } else {
      std::cout << direction.command << " (dry run): would move " << would.tasks << " tasks and "
                << would.comments << " comments" << std::endl;
    }
    return 0;
  }

  // Batch after batch, each committed on its own, until none is left: a run
  // that is killed loses at most its open batch, which rolls back whole.
  Progress progress(direction.command);
  Moved total;
  int64_t batches = 0;
  while (true) {
    const Moved moved = InTransaction(database, [&](pqxx::work& work, db::Transaction& txn) {
      work.exec(kBatchIsolation);
      work.exec(kBatchLockTimeout);
      const std::vector<int> ids = direction.lock(txn, selection, options.batch_size);
      return ids.empty() ? Moved{} : direction.move(txn, ids);
    });
    if (moved.tasks == 0) break;
    ++batches;
    total.tasks += moved.tasks;
    total.comments += moved.comments;
    total.counted_comments += moved.counted_comments;
    progress.Report("batch " + std::to_string(batches) + ": " + std::to_string(moved.tasks) +
                    " tasks, " + std::to_string(moved.comments) + " comments (in all " +
                    std::to_string(total.tasks) + " tasks, " + std::to_string(total.comments) +
                    " comments)");
  }
  progress.Done();
  // What matched but was held by a call at the time: the next run takes it.
  const Moved left = InTransaction(
      database, [&](pqxx::work&, db::Transaction& txn) { return direction.count(txn, selection); });
  const double seconds = SecondsSince(started);
  if (total.counted_comments != total.comments) {
    std::cerr << "photoflow-admin: warning: the moved tasks' amount_of_comments add up to "
              << total.counted_comments << ", but " << total.comments
              << " comments moved with them (the counters were off before the move)" << std::endl;
  }
  if (options.json) {
    std::cout << JsonObject()
                     .Add("command", direction.command)
                     .Add("finished_before", due_before)
                     .Add("batches", batches)
                     .Add("tasks", total.tasks)
                     .Add("comments", total.comments)
                     .Add("counters_match", total.counted_comments == total.comments)
                     .Add("skipped_tasks", left.tasks)
                     .Add("seconds", seconds)
                     .str()
              << std::endl;
  } else {
    std::cout << direction.command << ": moved " << total.tasks << " tasks and " << total.comments
              << " comments in " << batches << " batch(es), " << SecondsText(seconds) << std::endl;
    if (left.tasks > 0) {
      std::cout << direction.command << ": " << left.tasks
                << " matching tasks were in use by calls and were skipped: run again" << std::endl;
    }
  }
  return 0;
}

}  // namespace

int Archive(const Options& options, Database& database) {
  return Run(kToArchive, options, database);
}

int Unarchive(const Options& options, Database& database) {
  return Run(kFromArchive, options, database);
}

}  // namespace photoflow::admin
