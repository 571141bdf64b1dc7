#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace photoflow::common {

// Runs `work` on an Asio executor when a timer fires, once or again and again
// (userver's PeriodicTask): the health probe, the statistics refresh and the
// shutdown deadline share one small pool of housekeeping threads instead of a
// thread each. Work may block (it talks to PostgreSQL); give the executor
// enough threads for the tasks that may block at once.
class TimerTask {
 public:
  using Clock = std::chrono::steady_clock;

  // `repeat`: after each run, run again this long after it ended; zero: once.
  TimerTask(const boost::asio::any_io_executor& executor, std::chrono::milliseconds repeat,
            std::function<void()> work);
  ~TimerTask();
  TimerTask(const TimerTask&) = delete;
  TimerTask& operator=(const TimerTask&) = delete;

  // Arms the first run for `first`. Once only; nothing after Stop.
  void Start(Clock::time_point first);
  // No run starts after this returns, and a run in progress has finished.
  // Idempotent; must not be called from `work`. The executor must still be
  // running (a cancelled timer's handler runs on it).
  void Stop();

 private:
  void ArmLocked(Clock::time_point when);  // requires mutex_

  const std::chrono::milliseconds repeat_;
  const std::function<void()> work_;
  std::mutex mutex_;  // guards the timer (not thread-safe itself) and the flags
  std::condition_variable settled_;
  boost::asio::steady_timer timer_;
  bool started_ = false;
  bool stopped_ = false;
  bool waiting_ = false;  // a timer wait is outstanding
  bool running_ = false;  // `work` is running
};

// `work` every `interval`, the first time one interval after Start. A run is
// never overlapped by the next: the interval counts from the end of a run.
class PeriodicTask {
 public:
  // Throws std::invalid_argument unless `interval` is positive.
  PeriodicTask(const boost::asio::any_io_executor& executor, std::chrono::milliseconds interval,
               std::function<void()> work);

  void Start() { task_.Start(TimerTask::Clock::now() + interval_); }
  void Stop() { task_.Stop(); }

 private:
  const std::chrono::milliseconds interval_;
  TimerTask task_;
};

// `work` once at `deadline` unless cancelled first (the shutdown grace
// period's end). Cancel waits for a run in progress.
class DeadlineTask {
 public:
  DeadlineTask(const boost::asio::any_io_executor& executor, TimerTask::Clock::time_point deadline,
               std::function<void()> work)
      : task_(executor, std::chrono::milliseconds(0), std::move(work)) {
    task_.Start(deadline);
  }

  void Cancel() { task_.Stop(); }

 private:
  TimerTask task_;
};

}  // namespace photoflow::common
