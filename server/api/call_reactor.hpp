#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include <grpcpp/support/server_callback.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "db/pool.hpp"

namespace photoflow::api {

// The reactor of a call that runs SQL. When the client cancels (or gRPC
// cancels the call at its deadline), the statement running for it is cancelled
// in PostgreSQL (PQcancel), so an abandoned call gives its connection back at
// once instead of holding it until the statement ends by itself. PQcancel can
// block, and reactions must not: it runs on the `cancellations` executor. A
// call its client cancelled while it waited for a connection leaves the
// pool's queue at once.
class CallReactor final : public grpc::ServerUnaryReactor {
 public:
  using Clock = std::chrono::steady_clock;

  // Who cancelled the call: the client (or the server's shutdown), or the
  // deadline, which gRPC enforces by cancelling calls too. The client's and
  // the server's clocks never agree to the microsecond: a cancel within
  // kDeadlineSlack of the deadline is the deadline's.
  enum class Cancellation { kNone, kByClient, kAtDeadline };
  static constexpr std::chrono::milliseconds kDeadlineSlack{100};

  CallReactor(db::ConnectionPool& pool, boost::asio::any_io_executor cancellations,
              std::optional<Clock::time_point> deadline)
      : pool_(pool), cancellations_(std::move(cancellations)), deadline_(deadline) {}

  // For AcquireLimits::ticket: lets OnCancel end the call's wait.
  const std::shared_ptr<db::ConnectionPool::WaitTicket>& ticket() const { return ticket_; }

  // Registers the lease the call's work runs on; false if the call was
  // cancelled already (the work should not start).
  bool Attach(const db::ConnectionPool::Lease& lease) {
    const std::lock_guard lock(mutex_);
    if (cancellation_ != Cancellation::kNone) return false;
    cancel_.emplace(lease.cancel_handle());
    return true;
  }

  // Before the connection goes back to the pool. A cancel still on its way
  // after this finds the lease gone and does nothing (CancelHandle).
  void Detach() {
    const std::lock_guard lock(mutex_);
    cancel_.reset();
  }

  // Records the cancel that gRPC reported before OnCancel ran.
  void NoteCancelled() {
    const std::lock_guard lock(mutex_);
    RecordCancellation();
  }

  void OnCancel() override {
    std::optional<db::ConnectionPool::Lease::CancelHandle> cancel;
    bool at_deadline = false;
    {
      const std::lock_guard lock(mutex_);
      at_deadline = RecordCancellation() == Cancellation::kAtDeadline;
      cancel = cancel_;
    }
    if (cancel) {
      cancel->Request();  // an atomic store: the next statement is not sent
      boost::asio::post(cancellations_, [cancel = std::move(*cancel)] { cancel.Cancel(); });
    } else if (!at_deadline) {
      // At the deadline the pool's own timer ends the wait (and counts it).
      // CancelWait takes the pool's mutex only briefly and never blocks on I/O.
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
  boost::asio::any_io_executor cancellations_;
  const std::optional<Clock::time_point> deadline_;
  const std::shared_ptr<db::ConnectionPool::WaitTicket> ticket_ =
      std::make_shared<db::ConnectionPool::WaitTicket>();
  std::mutex mutex_;
  Cancellation cancellation_ = Cancellation::kNone;
  // Set while the call's work runs on a connection.
  std::optional<db::ConnectionPool::Lease::CancelHandle> cancel_;
};

}  // namespace photoflow::api
