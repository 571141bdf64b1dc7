// The change log's sequencer and pruner (store/task_changes), against the
// real PostgreSQL: changes are numbered only once committed, in the order
// they were written; one run at a time; the pruner never removes a change
// that has no number yet, and numbering goes on past what it pruned.
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

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

TEST_F(ChangeLogTest, RunsOneAtATime) {
  AddTask("one");
  auto holder_connection = schema_.Connect();
  pqxx::work holder(*holder_connection);
  holder.exec("SELECT photoflow_sequence_task_changes(10000, false)");  // uncommitted
  EXPECT_EQ(Sequence(Contention::kSkip), -1) << "a run is in progress";
  holder.abort();
  EXPECT_EQ(Sequence(Contention::kWait), 1) << "what the aborted run numbered is numbered again";
  EXPECT_EQ(Numbers(), "1");
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
