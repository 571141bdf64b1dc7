#include "common/periodic_task.hpp"

#include <stdexcept>

namespace photoflow::common {

TimerTask::TimerTask(const boost::asio::any_io_executor& executor, std::chrono::milliseconds repeat,
                     std::function<void()> work)
    : repeat_(repeat), work_(std::move(work)), timer_(executor) {}

TimerTask::~TimerTask() { Stop(); }

void TimerTask::Start(Clock::time_point first) {
  const std::lock_guard lock(mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  ArmLocked(first);
}

void TimerTask::ArmLocked(Clock::time_point when) {
  waiting_ = true;
  timer_.expires_at(when);
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
    if (stopped_ || repeat_.count() == 0) {
      settled_.notify_all();
    } else {
      ArmLocked(Clock::now() + repeat_);
    }
  });
}

void TimerTask::Stop() {
  std::unique_lock lock(mutex_);
  stopped_ = true;
  timer_.cancel();
  settled_.wait(lock, [this] { return !waiting_ && !running_; });
}

PeriodicTask::PeriodicTask(const boost::asio::any_io_executor& executor,
                           std::chrono::milliseconds interval, std::function<void()> work)
    : interval_(interval), task_(executor, interval, std::move(work)) {
  // A zero interval would spin a housekeeping thread.
  if (interval_.count() <= 0) throw std::invalid_argument("PeriodicTask needs a positive interval");
}

}  // namespace photoflow::common
