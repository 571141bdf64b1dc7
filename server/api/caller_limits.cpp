#include "api/caller_limits.hpp"

namespace photoflow::api {

std::optional<CallerLimits::Slot> CallerLimits::TryAcquire(std::string_view caller) {
  if (max_per_caller_ <= 0) return Slot(nullptr, "");
  std::string name(caller);
  {
    const std::lock_guard lock(mutex_);
    int& calls = in_flight_[name];
    if (calls >= max_per_caller_) return std::nullopt;
    ++calls;
  }
  return Slot(this, std::move(name));
}

void CallerLimits::Release(const std::string& caller) {
  const std::lock_guard lock(mutex_);
  const auto found = in_flight_.find(caller);
  if (found == in_flight_.end()) return;
  if (--found->second <= 0) in_flight_.erase(found);
}

int CallerLimits::InFlight(std::string_view caller) {
  const std::lock_guard lock(mutex_);
  const auto found = in_flight_.find(std::string(caller));
  return found == in_flight_.end() ? 0 : found->second;
}

}  // namespace photoflow::api
