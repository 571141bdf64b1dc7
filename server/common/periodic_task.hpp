#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace photoflow::common {

// Runs `work` every `interval` on an Asio executor (userver's PeriodicTask):
// the health probe, the statistics refresh and the shutdown deadline share one
// small pool of housekeeping threads instead of a thread each. A run is never
// overlapped by the next: the interval counts from the end of a run. Work may
// block (it talks to PostgreSQL); give the executor enough threads for the
// tasks that may block at once.
class PeriodicTask {
 public:
  PeriodicTask(const boost::asio::any_io_executor& executor, std::chrono::milliseconds interval,
               std::function<void()> work);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Throws std::invalid_argument unless `interval` is positive.
  // Schedules the first run one interval from now. Idempotent.
  void Start();
  // No run starts after this returns, and a run in progress has finished.
  // Idempotent; must not be called from `work`. The executor must still be
  // running (a cancelled timer's handler runs on it).
  void Stop();

 private:
  // Requires mutex_.
  void ScheduleLocked();

  const std::chrono::milliseconds interval_;
  const std::function<void()> work_;
  std::mutex mutex_;  // guards the timer (not thread-safe itself) and the flags
  std::condition_variable settled_;
  boost::asio::steady_timer timer_;
  bool started_ = false;
  bool stopped_ = false;
  bool waiting_ = false;  // a timer wait is outstanding
  bool running_ = false;  // `work` is running
};

// Runs `work` once at `deadline` unless cancelled first (the shutdown grace
// period's end). Cancel waits for a run in progress.
class DeadlineTask {
 public:
  DeadlineTask(const boost::asio::any_io_executor& executor,
               std::chrono::steady_clock::time_point deadline, std::function<void()> work);
  ~DeadlineTask() { Cancel(); }
  DeadlineTask(const DeadlineTask&) = delete;
  DeadlineTask& operator=(const DeadlineTask&) = delete;

  void Cancel();

 private:
  const std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable settled_;
  boost::asio::steady_timer timer_;
  bool cancelled_ = false;
  bool waiting_ = true;
  bool running_ = false;
};

}  // namespace photoflow::common
