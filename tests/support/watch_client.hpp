#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "photoflow/v1/task_service.grpc.pb.h"

namespace photoflow::testing {

// A WatchTasks call read on a thread of its own: the test waits for events
// (with a deadline, never a sleep) and for the stream's end.
class WatchClient {
 public:
  // `reading` false: the client reads nothing until StartReading (a client
  // that cannot keep up).
  WatchClient(v1::TaskService::Stub& tasks, const v1::WatchTasksRequest& request,
              bool reading = true)
      : reading_(reading) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
    reader_ = tasks.WatchTasks(&context_, request);
    thread_ = std::thread([this] {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return reading_; });
      }
      v1::WatchTasksResponse response;
      while (reader_->Read(&response)) {
        const std::lock_guard lock(mutex_);
        for (const v1::TaskEvent& event : response.events()) events_.push_back(event);
        ++messages_;
        changed_.notify_all();
      }
      const grpc::Status status = reader_->Finish();
      const std::lock_guard lock(mutex_);
      status_ = status;
      changed_.notify_all();
    });
  }

  ~WatchClient() {
    context_.TryCancel();
    StartReading();
    thread_.join();
  }

  void StartReading() {
    const std::lock_guard lock(mutex_);
    reading_ = true;
    changed_.notify_all();
  }

  // The next `count` events, or fewer when the stream ends or 30 s pass.
  std::vector<v1::TaskEvent> Take(size_t count,
                                  std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return events_.size() >= count || status_; });
    std::vector<v1::TaskEvent> taken;
    while (!events_.empty() && taken.size() < count) {
      taken.push_back(events_.front());
      events_.pop_front();
    }
    return taken;
  }

  // The next `count` events other than CURRENT (which a resumed stream sends
  // once it has caught up, and idle ones as bookmarks).
  std::vector<v1::TaskEvent> TakeChanges(size_t count,
                                         std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::vector<v1::TaskEvent> taken;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (taken.size() < count) {
      while (!events_.empty() && taken.size() < count) {
        if (events_.front().type() != v1::TaskEvent::CURRENT) taken.push_back(events_.front());
        events_.pop_front();
      }
      if (taken.size() >= count || status_) break;
      if (!changed_.wait_until(lock, deadline,
                               [&] { return !events_.empty() || status_.has_value(); })) {
        break;
      }
    }
    return taken;
  }

  // Events up to and including the first that `last` accepts.
  std::vector<v1::TaskEvent> TakeUntil(const std::function<bool(const v1::TaskEvent&)>& last,
                                       std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::vector<v1::TaskEvent> taken;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (true) {
      while (!events_.empty()) {
        taken.push_back(events_.front());
        events_.pop_front();
        if (last(taken.back())) return taken;
      }
      if (status_) return taken;
      const bool woke = changed_.wait_until(
          lock, deadline, [&] { return !events_.empty() || status_.has_value(); });
      if (!woke) return taken;
    }
  }

  // The status the stream ended with, waiting up to `timeout`.
  std::optional<grpc::Status> Ended(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return status_.has_value(); });
    return status_;
  }

  // Events received and not taken yet (CURRENT included).
  size_t Waiting() {
    const std::lock_guard lock(mutex_);
    return events_.size();
  }

  // Changes received and not taken yet (CURRENT left out).
  size_t ChangesWaiting() {
    const std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(events_.begin(), events_.end(), [](const auto& e) {
      return e.type() != v1::TaskEvent::CURRENT;
    }));
  }

  void Cancel() { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchTasksResponse>> reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<v1::TaskEvent> events_;
  int messages_ = 0;
  std::optional<grpc::Status> status_;
  bool reading_;
  std::thread thread_;
};

inline v1::WatchTasksRequest WatchRequest(const std::string& filter = "",
                                          const std::string& resume_token = "") {
  v1::WatchTasksRequest request;
  request.set_filter(filter);
  request.set_resume_token(resume_token);
  return request;
}

inline bool IsCurrent(const v1::TaskEvent& event) { return event.type() == v1::TaskEvent::CURRENT; }

}  // namespace photoflow::testing
