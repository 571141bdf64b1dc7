#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include <grpcpp/support/server_callback.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "api/call_observer.hpp"
#include "api/unary_call.hpp"
#include "db/pool.hpp"

namespace photoflow::api {

// The statement a call's work runs, as the calls it serves may cancel it: a
// call's own statement when it runs alone, or one statement shared by a batch
// of calls (CallBatch), which is cancelled only once every call it serves has
// gone, so that one client leaving never fails its neighbours.
class SharedStatement {
 public:
  SharedStatement(db::ConnectionPool::Lease::CancelHandle cancel, int calls)
      : cancel_(std::move(cancel)), calls_(calls) {}

  // One of the calls is gone (cancelled, or never started); true when it was
  // the last, and the statement should be cancelled.
  bool CallGone() { return calls_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  const db::ConnectionPool::Lease::CancelHandle& cancel() const { return cancel_; }

 private:
  db::ConnectionPool::Lease::CancelHandle cancel_;
  std::atomic<int> calls_;
};

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

  // `messages` (the call's request and response) live as long as the reactor;
  // `observer` (may be null) hears how the call ended.
  CallReactor(db::ConnectionPool& pool, boost::asio::any_io_executor cancellations,
              std::optional<Clock::time_point> deadline, std::unique_ptr<CallMessages> messages,
              CallObserver* observer)
      : pool_(pool),
        cancellations_(std::move(cancellations)),
        deadline_(deadline),
        messages_(std::move(messages)),
        observer_(observer) {}

  // Finishes the call: a successful one with its serialized response.
  void Complete(grpc::Status status) {
    if (status.ok()) status = messages_->SerializeResponse();
    Observe(observer_, *messages_, status.error_code());
    Finish(status);  // the reactor may be gone once this returns
  }

  static void Observe(CallObserver* observer, const CallMessages& call, grpc::StatusCode code) {
    if (observer == nullptr) return;
    const CallMessages::Info& info = call.info;
    observer->CallFinished({info.method, info.caller ? std::string_view(info.caller->name) : "",
                            code, Clock::now() - info.started});
  }

  // For AcquireLimits::ticket: lets OnCancel end the call's wait.
  const std::shared_ptr<db::ConnectionPool::WaitTicket>& ticket() const { return ticket_; }

  // Registers the statement the call's work runs; false if the call was
  // cancelled already (the work should not start for it, and the statement
  // counts it as gone).
  bool Attach(std::shared_ptr<SharedStatement> statement) {
    {
      const std::lock_guard lock(mutex_);
      if (cancellation_ == Cancellation::kNone) {
        statement_ = std::move(statement);
        return true;
      }
    }
    if (statement->CallGone()) CancelStatement(*statement);
    return false;
  }

  // Before the connection goes back to the pool. A cancel still on its way
  // after this finds the lease gone and does nothing (CancelHandle).
  void Detach() {
    const std::lock_guard lock(mutex_);
    statement_.reset();
  }

  // Records the cancel that gRPC reported before OnCancel ran.
  void NoteCancelled() {
    const std::lock_guard lock(mutex_);
    RecordCancellation();
  }

  void OnCancel() override {
    std::shared_ptr<SharedStatement> statement;
    bool at_deadline = false;
    {
      const std::lock_guard lock(mutex_);
      at_deadline = RecordCancellation() == Cancellation::kAtDeadline;
      statement = std::move(statement_);
    }
    if (statement) {
      if (statement->CallGone()) CancelStatement(*statement);
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

  // Lets gRPC run OnCancel and OnDone on the thread that ends the call (often
  // the worker that called Finish) instead of handing each to its executor
  // thread: one thread wake-up fewer per call. gRPC allows this for reactions
  // that are trivial, and these are: OnDone deletes the reactor, OnCancel
  // takes two short locks and posts the PQcancel. Neither blocks or calls
  // back into gRPC, and no Finish is called with a lock held. (gRPC 1.51
  // marks the hook "not API", for its own DefaultReactor.)
  bool InternalInlineable() override { return true; }

 private:
  void CancelStatement(const SharedStatement& statement) {
    // Flags the call at once (an atomic store: the next statement is not
    // sent); the PQcancels, which may block, run on `cancellations_`.
    statement.cancel().CancelUntilReleased(cancellations_);
  }

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
  const std::unique_ptr<CallMessages> messages_;
  CallObserver* const observer_;
  const std::shared_ptr<db::ConnectionPool::WaitTicket> ticket_ =
      std::make_shared<db::ConnectionPool::WaitTicket>();
  std::mutex mutex_;
  Cancellation cancellation_ = Cancellation::kNone;
  // Set while the call's work runs on a connection.
  std::shared_ptr<SharedStatement> statement_;
};

}  // namespace photoflow::api
