#include "common/periodic_task.hpp"

#include <stdexcept>

namespace photoflow::common {

PeriodicTask::PeriodicTask(const boost::asio::any_io_executor& executor,
                           std::chrono::milliseconds interval, std::function<void()> work)
    : interval_(interval), work_(std::move(work)), timer_(executor) {
  // A zero interval would spin a housekeeping thread.
  if (interval_.count() <= 0) throw std::invalid_argument("PeriodicTask needs a positive interval");
}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  const std::lock_guard lock(mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  ScheduleLocked();
}

void PeriodicTask::ScheduleLocked() {
  waiting_ = true;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    {
      const std::lock_guard lock(mutex_);
      waiting_ = false;
      running_ = !error && !stopped_;
      if (!running_) {
        settled_.notify_all();
        return;
      }
    }
    work_();
    const std::lock_guard lock(mutex_);
    running_ = false;
    if (stopped_) {
      settled_.notify_all();
    } else {
      ScheduleLocked();
    }
  });
}

void PeriodicTask::Stop() {
  std::unique_lock lock(mutex_);
  stopped_ = true;
  timer_.cancel();
  settled_.wait(lock, [this] { return !waiting_ && !running_; });
}

DeadlineTask::DeadlineTask(const boost::asio::any_io_executor& executor,
                           std::chrono::steady_clock::time_point deadline,
                           std::function<void()> work)
    : work_(std::move(work)), timer_(executor) {
  const std::lock_guard lock(mutex_);
  timer_.expires_at(deadline);
  timer_.async_wait([this](const boost::system::error_code& error) {
    {
      const std::lock_guard handler_lock(mutex_);
      waiting_ = false;
      running_ = !error && !cancelled_;
      if (!running_) {
        settled_.notify_all();
        return;
      }
    }
    work_();
    const std::lock_guard handler_lock(mutex_);
    running_ = false;
    settled_.notify_all();
  });
}

void DeadlineTask::Cancel() {
  std::unique_lock lock(mutex_);
  cancelled_ = true;
  timer_.cancel();
  settled_.wait(lock, [this] { return !waiting_ && !running_; });
}

}  // namespace photoflow::common
