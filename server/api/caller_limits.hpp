#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace photoflow::api {

// Calls in flight per caller (the token's name), so that one caller that
// floods the service cannot take every connection and queue place from the
// others. A call over its caller's limit is answered RESOURCE_EXHAUSTED at
// once, with RetryInfo.
class CallerLimits {
 public:
  // `max_per_caller` 0: no limit.
  explicit CallerLimits(int max_per_caller) : max_per_caller_(max_per_caller) {}
  CallerLimits(const CallerLimits&) = delete;
  CallerLimits& operator=(const CallerLimits&) = delete;

  // One call's place; given back when destroyed.
  class Slot {
   public:
    Slot(CallerLimits* limits, std::string caller) : limits_(limits), caller_(std::move(caller)) {}
    Slot(Slot&& other) noexcept : limits_(other.limits_), caller_(std::move(other.caller_)) {
      other.limits_ = nullptr;
    }
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        if (limits_ != nullptr) limits_->Release(caller_);
        limits_ = other.limits_;
        caller_ = std::move(other.caller_);
        other.limits_ = nullptr;
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
      if (limits_ != nullptr) limits_->Release(caller_);
    }

   private:
    CallerLimits* limits_;
    std::string caller_;
  };

  // A place for one more call of `caller`, or nullopt when it has
  // max_per_caller in flight already. Always a place without a limit.
  std::optional<Slot> TryAcquire(std::string_view caller);

  int max_per_caller() const { return max_per_caller_; }
  // Calls of `caller` in flight (for tests).
  int InFlight(std::string_view caller);

 private:
  void Release(const std::string& caller);

  const int max_per_caller_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> in_flight_;  // only callers with calls in flight
};

}  // namespace photoflow::api
