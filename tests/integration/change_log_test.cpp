// The change log's sequencer and pruner (store/task_changes), against the
// real PostgreSQL: changes are numbered only once committed, in the order
// they were written; one run at a time; the pruner never removes a change
// that has no number yet, and numbering goes on past what it pruned.
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <future>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "db/pool.hpp"
#include "db/session.hpp"
#include "db/transaction.hpp"
#include "store/task_changes.hpp"
#include "support/pool_lease.hpp"
#include "support/test_database.hpp"

namespace photoflow {
namespace {

using store::changes::Contention;

class ChangeLogTest : public ::testing::Test {
 protected:
  ChangeLogTest() {
    const config::DatabaseUrl url = schema_.parsed_url();
    pool_ = std::make_unique<db::ConnectionPool>(
        db::PoolOptions{.libpq_url = url.libpq_url, .schema = url.schema, .max_connections = 1},
        workers_.get_executor(), timers_.get_executor(), logger_);
    lease_ = std::make_unique<db::ConnectionPool::Lease>(testing::AcquireLease(*pool_));
    session_ = std::make_unique<db::Session>(*pool_, *lease_, std::nullopt);
  }

  int64_t Sequence(Contention contention = Contention::kSkip) {
    return session_->Write(
        [&](db::Transaction& txn) { return store::changes::Sequence(txn, 10'000, contention); });
  }

  void AddTask(const std::string& title) {
    schema_.QueryValue(
        "INSERT INTO \"Tasks\" (\"dueAt\", task, additional_information, status) VALUES "
        "(now(), '" +
        title + "', '', 'Scheduled') RETURNING id");
  }

  // "seq" of each log row, in writing order ("id"); -1 for none yet.
  std::string Numbers() {
    return schema_.QueryValue(
        "SELECT string_agg(coalesce(seq, -1)::text, ',' ORDER BY id) FROM "
        "photoflow_task_changes");
  }

  testing::TestSchema schema_;
  std::ostringstream log_output_;
  log::Logger logger_{log_output_, log::Level::kInfo};
  boost::asio::thread_pool timers_{1};
  boost::asio::thread_pool workers_{1};
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<db::ConnectionPool::Lease> lease_;
  std::unique_ptr<db::Session> session_;
};

TEST_F(ChangeLogTest, NumbersWhatHasCommittedInTheOrderItWasWritten) {
  AddTask("one");
  AddTask("two");
  EXPECT_EQ(Numbers(), "-1,-1") << "nothing is numbered before the sequencer runs";

  auto open_connection = schema_.Connect();
  pqxx::work open(*open_connection);
  open.exec("UPDATE \"Tasks\" SET status = 'Open' WHERE task = 'one'");
  open.exec("SET CONSTRAINTS ALL IMMEDIATE");  // written now, committed below
  AddTask("three");
  EXPECT_EQ(Sequence(), 3);
  EXPECT_EQ(Numbers(), "1,2,3") << "the later change is numbered; the uncommitted one is unseen";

  open.commit();
  EXPECT_EQ(Sequence(), 1);
  EXPECT_EQ(Numbers(), "1,2,4,3") << "committed last, numbered last";
  EXPECT_EQ(Sequence(), 0);
  EXPECT_EQ(
      session_->Read([](db::Transaction& txn) { return store::changes::ReadState(txn).head; }), 4);
}

TEST_F(ChangeLogTest, KeepsATransactionsChangesTogether) {
  AddTask("one");
  AddTask("two");
  AddTask("three");
  EXPECT_EQ(Sequence(), 3);
  auto a_connection = schema_.Connect();
  auto b_connection = schema_.Connect();
  pqxx::work a(*a_connection);
  pqxx::work b(*b_connection);
  const auto write = [](pqxx::work& txn, const std::string& title) {
    txn.exec("UPDATE \"Tasks\" SET status = 'Moved' WHERE task = '" + title + "'");
    txn.exec("SET CONSTRAINTS ALL IMMEDIATE");  // its log row is written now
  };
  write(a, "one");
  write(b, "two");
  write(a, "three");  // written after b's, in a's transaction
  b.commit();
  a.commit();
  EXPECT_EQ(Sequence(), 3);
  EXPECT_EQ(Numbers(), "1,2,3,4,6,5") << "a's two changes together, in order of a's first";
}

TEST_F(ChangeLogTest, RunsOneAtATimeAndAWaiterSeesTheRunBefore) {
  AddTask("one");
  auto holder_connection = schema_.Connect();
  pqxx::work holder(*holder_connection);
  EXPECT_EQ(holder.exec1("SELECT photoflow_sequence_task_changes(10000, false)")[0].as<int64_t>(),
            1);
  EXPECT_EQ(Sequence(Contention::kSkip), -1) << "a run is in progress";
  AddTask("two");
  std::future<int64_t> waiter =
      std::async(std::launch::async, [&] { return Sequence(Contention::kWait); });
  // The waiter is queued on the lock (a condition PostgreSQL reports, not a pause).
  while (schema_.QueryValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                            "classid = 727073691 AND objid = 'photoflow_task_changes'::regclass "
                            "AND NOT granted") != "1") {
    ASSERT_NE(waiter.wait_for(std::chrono::seconds(0)), std::future_status::ready)
        << "the waiter did not wait";
  }
  holder.commit();
  EXPECT_EQ(waiter.get(), 1) << "it numbers only what the run before it had not";
  EXPECT_EQ(Numbers(), "1,2");
}

TEST_F(ChangeLogTest, WhatAnAbortedRunNumberedIsNumberedAgain) {
  AddTask("one");
  auto holder_connection = schema_.Connect();
  pqxx::work holder(*holder_connection);
  holder.exec("SELECT photoflow_sequence_task_changes(10000, false)");
  holder.abort();
  EXPECT_EQ(Sequence(Contention::kWait), 1);
  EXPECT_EQ(Numbers(), "1");
}

TEST_F(ChangeLogTest, TruncateNumbersWhatCameBeforeItThenStartsANewEpoch) {
  AddTask("one");
  const std::string epoch = schema_.QueryValue("SELECT epoch::text FROM photoflow_watch_state");
  schema_.QueryValue("TRUNCATE \"Tasks\" CASCADE; SELECT 1");
  EXPECT_EQ(Numbers(), "1") << "numbered in the old epoch, before the new one began";
  EXPECT_NE(schema_.QueryValue("SELECT epoch::text FROM photoflow_watch_state"), epoch);
}

TEST_F(ChangeLogTest, RefusesToRunOutsideReadCommitted) {
  AddTask("one");
  auto connection = schema_.Connect();
  pqxx::transaction<pqxx::repeatable_read> repeatable(*connection);
  // Its snapshot would predate the lock: it could number over a run it did not see.
  EXPECT_THROW(repeatable.exec("SELECT photoflow_sequence_task_changes(10000, true)"),
               pqxx::sql_error);
  repeatable.abort();
  EXPECT_EQ(Numbers(), "-1");
}

TEST_F(ChangeLogTest, PrunesOnlyAnOldPrefixOfTheLog) {
  AddTask("one");
  AddTask("two");
  EXPECT_EQ(Sequence(), 2);
  const auto prune = [&] {
    return session_->Write([](db::Transaction& txn) {
      return store::changes::Prune(txn, std::chrono::hours(1), 1'000'000, 1000);
    });
  };
  // Written long ago but numbered after a younger change (servers were down).
  schema_.QueryValue(
      "UPDATE photoflow_task_changes SET committed_at = now() - interval '2 hours' WHERE seq = 2 "
      "RETURNING 1");
  EXPECT_EQ(prune(), 0) << "the old change is not at the start of the log";
  schema_.QueryValue(
      "UPDATE photoflow_task_changes SET committed_at = now() - interval '2 hours' WHERE seq = 1 "
      "RETURNING 1");
  EXPECT_EQ(prune(), 2);
  EXPECT_EQ(schema_.QueryValue("SELECT pruned_through FROM photoflow_watch_state"), "2");
}

TEST_F(ChangeLogTest, PrunesNumberedChangesOnlyAndNumbersOnAfterThem) {
  AddTask("one");
  AddTask("two");
  EXPECT_EQ(Sequence(), 2);
  AddTask("three");
  const auto prune = [&] {
    return session_->Write([](db::Transaction& txn) {
      return store::changes::Prune(txn, std::chrono::milliseconds(0), 1'000'000, 1000);
    });
  };
  EXPECT_EQ(prune(), 2);
  EXPECT_EQ(Numbers(), "-1") << "the change without a number stays";
  EXPECT_EQ(schema_.QueryValue("SELECT pruned_through FROM photoflow_watch_state"), "2");
  EXPECT_EQ(Sequence(), 1);
  EXPECT_EQ(Numbers(), "3") << "numbers go on after the pruned ones";
  EXPECT_EQ(prune(), 1);
  AddTask("four");
  EXPECT_EQ(Sequence(), 1);
  EXPECT_EQ(Numbers(), "4") << "after an empty log too";
}

}  // namespace
}  // namespace photoflow
