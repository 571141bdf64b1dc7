#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include <grpcpp/support/server_callback.h>

#include "db/pool.hpp"

namespace photoflow::api {

// The reactor of a call that runs SQL. When the client cancels (or gRPC
// cancels the call at its deadline), the statement running for it is cancelled
// in PostgreSQL (PQcancel), so an abandoned call gives its connection back at
// once instead of holding it until the statement ends by itself; a call still
// waiting for a connection leaves the pool's queue at once.
class CallReactor final : public grpc::ServerUnaryReactor {
 public:
  using Clock = std::chrono::steady_clock;

  CallReactor(db::ConnectionPool& pool, std::shared_ptr<db::ConnectionPool::WaitTicket> ticket)
      : pool_(pool), ticket_(std::move(ticket)) {}

  // Registers the lease the call's work runs on; false if the call was
  // cancelled already (the work should not start).
  bool Attach(db::ConnectionPool::Lease& lease) {
    const std::lock_guard lock(mutex_);
    if (cancelled_) return false;
    lease_ = &lease;
    return true;
  }

  // Before the connection goes back to the pool. Holding the same mutex as
  // OnCancel guarantees that no cancel request for this call is still on its
  // way once the connection serves another call.
  void Detach() {
    const std::lock_guard lock(mutex_);
    lease_ = nullptr;
  }

  void OnCancel() override {
    const std::lock_guard lock(mutex_);
    cancelled_ = true;
    cancelled_at_ = Clock::now();
    if (lease_ != nullptr) {
      lease_->CancelStatement();
    } else {
      pool_.CancelWait(*ticket_);
    }
  }

  // When gRPC cancelled the call (client cancel or deadline), if it did.
  std::optional<Clock::time_point> CancelledAt() {
    const std::lock_guard lock(mutex_);
    if (!cancelled_) return std::nullopt;
    return cancelled_at_;
  }

  void OnDone() override { delete this; }

 private:
  db::ConnectionPool& pool_;
  const std::shared_ptr<db::ConnectionPool::WaitTicket> ticket_;
  std::mutex mutex_;
  bool cancelled_ = false;
  Clock::time_point cancelled_at_;
  db::ConnectionPool::Lease* lease_ = nullptr;
};

}  // namespace photoflow::api
