#include "common/periodic_task.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>

#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>

namespace photoflow::common {
namespace {

using namespace std::chrono_literals;

// A run that blocks until released, for checking that stopping a task waits
// for the run in progress.
class BlockingRun {
 public:
  // The work to give the task: the first call blocks, later ones return.
  std::function<void()> Work() {
    return [this, first = true]() mutable {
      if (!first) return;
      first = false;
      started_.set_value();
      released_.wait();
      finished_ = true;
    };
  }

  // Waits until the run has started, calls `stop` on another thread, and
  // releases the run only once `stop` has been called: a `stop` that does not
  // wait returns while the run is still blocked. True when `stop` returned
  // after the run ended.
  bool StopReturnsAfterTheRun(const std::function<void()>& stop) {
    started_.get_future().wait();
    std::promise<void> stopping;
    std::future<bool> stopped = std::async(std::launch::async, [&] {
      stopping.set_value();
      stop();
      return finished_.load();
    });
    stopping.get_future().wait();
    release_.set_value();
    return stopped.get();
  }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::atomic<bool> finished_ = false;
};

TEST(PeriodicTaskTest, RunsRepeatedlyAndNeverAfterStop) {
  boost::asio::thread_pool executor(2);
  std::mutex mutex;
  std::condition_variable ran;
  int runs = 0;
  PeriodicTask task(executor.get_executor(), 1ms, [&] {
    const std::lock_guard lock(mutex);
    ++runs;
    ran.notify_all();
  });
  task.Start();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(ran.wait_for(lock, 30s, [&] { return runs >= 3; }));
  }
  task.Stop();
  int after_stop = 0;
  {
    const std::lock_guard lock(mutex);
    after_stop = runs;
  }
  executor.join();  // everything queued has run
  const std::lock_guard lock(mutex);
  EXPECT_EQ(runs, after_stop);
}

TEST(PeriodicTaskTest, StopWaitsForARunInProgress) {
  boost::asio::thread_pool executor(2);
  BlockingRun run;
  PeriodicTask task(executor.get_executor(), 1ms, run.Work());
  task.Start();
  EXPECT_TRUE(run.StopReturnsAfterTheRun([&] { task.Stop(); }))
      << "Stop returned before the run ended";
}

TEST(PeriodicTaskTest, StopBeforeStartAndTwiceIsHarmless) {
  boost::asio::thread_pool executor(1);
  int runs = 0;
  PeriodicTask task(executor.get_executor(), 1ms, [&] { ++runs; });
  task.Stop();
  task.Start();  // after Stop: stays stopped
  task.Stop();
  executor.join();
  EXPECT_EQ(runs, 0);
}

TEST(DeadlineTaskTest, RunsOnceAtTheDeadlineUnlessCancelledFirst) {
  boost::asio::thread_pool executor(1);
  std::promise<void> ran;
  DeadlineTask due(executor.get_executor(), std::chrono::steady_clock::now(),
                   [&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(30s), std::future_status::ready);

  std::atomic<int> cancelled_runs = 0;
  {
    DeadlineTask later(executor.get_executor(),
                       std::chrono::steady_clock::now() + std::chrono::hours(1),
                       [&] { ++cancelled_runs; });
    later.Cancel();
  }
  executor.join();
  EXPECT_EQ(cancelled_runs, 0);
}

TEST(DeadlineTaskTest, CancelWaitsForARunInProgress) {
  boost::asio::thread_pool executor(1);
  BlockingRun run;
  DeadlineTask due(executor.get_executor(), std::chrono::steady_clock::now(), run.Work());
  EXPECT_TRUE(run.StopReturnsAfterTheRun([&] { due.Cancel(); }))
      << "Cancel returned before the run ended";
}

TEST(PeriodicTaskTest, AZeroIntervalIsRefused) {
  boost::asio::thread_pool executor(1);
  EXPECT_THROW(PeriodicTask(executor.get_executor(), 0ms, [] {}), std::invalid_argument);
}

}  // namespace
}  // namespace photoflow::common
