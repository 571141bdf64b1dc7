#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include <grpcpp/support/server_callback.h>

#include "db/pool.hpp"

namespace photoflow::api {

// The reactor of a call that runs SQL. When the client cancels (or gRPC
// cancels the call at its deadline), the statement running for it is cancelled
// in PostgreSQL (PQcancel), so an abandoned call gives its connection back at
// once instead of holding it until the statement ends by itself. A call its
// client cancelled while it waited for a connection leaves the pool's queue
// at once.
class CallReactor final : public grpc::ServerUnaryReactor {
 public:
  using Clock = std::chrono::steady_clock;

  // Who cancelled the call: the client (or the server's shutdown), or the
  // deadline, which gRPC enforces by cancelling calls too. The client's and
  // the server's clocks never agree to the microsecond: a cancel within
  // kDeadlineSlack of the deadline is the deadline's.
  enum class Cancellation { kNone, kByClient, kAtDeadline };
  static constexpr std::chrono::milliseconds kDeadlineSlack{100};

  CallReactor(db::ConnectionPool& pool, std::optional<Clock::time_point> deadline)
      : pool_(pool), deadline_(deadline) {}

  // For AcquireLimits::ticket: lets OnCancel end the call's wait.
  const std::shared_ptr<db::ConnectionPool::WaitTicket>& ticket() const { return ticket_; }

  // Registers the lease the call's work runs on; false if the call was
  // cancelled already (the work should not start).
  bool Attach(db::ConnectionPool::Lease& lease) {
    const std::lock_guard lock(mutex_);
    if (cancellation_ != Cancellation::kNone) return false;
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

  // Records the cancel that gRPC reported before OnCancel ran.
  void NoteCancelled() {
    const std::lock_guard lock(mutex_);
    RecordCancellation();
  }

  void OnCancel() override {
    const std::lock_guard lock(mutex_);
    const bool at_deadline = RecordCancellation() == Cancellation::kAtDeadline;
    if (lease_ != nullptr) {
      lease_->CancelStatement();
    } else if (!at_deadline) {
      // At the deadline the pool's own timer ends the wait (and counts it).
      pool_.CancelWait(*ticket_);
    }
  }

  Cancellation cancellation() {
    const std::lock_guard lock(mutex_);
    return cancellation_;
  }

  void OnDone() override { delete this; }

 private:
  // The first cancel's cause; requires mutex_.
  Cancellation RecordCancellation() {
    if (cancellation_ == Cancellation::kNone) {
      const bool at_deadline = deadline_ && Clock::now() >= *deadline_ - kDeadlineSlack;
      cancellation_ = at_deadline ? Cancellation::kAtDeadline : Cancellation::kByClient;
    }
    return cancellation_;
  }

  db::ConnectionPool& pool_;
  const std::optional<Clock::time_point> deadline_;
  const std::shared_ptr<db::ConnectionPool::WaitTicket> ticket_ =
      std::make_shared<db::ConnectionPool::WaitTicket>();
  std::mutex mutex_;
  Cancellation cancellation_ = Cancellation::kNone;
  db::ConnectionPool::Lease* lease_ = nullptr;
};

}  // namespace photoflow::api
