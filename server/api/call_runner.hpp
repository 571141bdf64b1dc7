#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <boost/asio/any_io_executor.hpp>

#include "api/call_reactor.hpp"
#include "api/database_errors.hpp"
#include "api/rpc_status.hpp"
#include "api/status_error.hpp"
#include "db/pool.hpp"
#include "db/session.hpp"
#include "log/logger.hpp"

namespace photoflow::api {

// Runs a unary call's database work off the gRPC callback thread: waits
// (asynchronously) for a pooled connection, runs the work on the worker that
// got it, and finishes the call's reactor from there.
class CallRunner {
 public:
  using Clock = db::ConnectionPool::Clock;

  // `cancellations` runs the PQcancel of calls their clients cancelled (it
  // may block; gRPC's threads must not).
  CallRunner(db::ConnectionPool& pool, boost::asio::any_io_executor cancellations,
             log::Logger& logger)
      : pool_(pool), cancellations_(std::move(cancellations)), logger_(logger) {}

  // `work(db::Session&)` returns grpc::Status or throws: StatusError for API
  // errors; anything else is mapped by StatusFromException.
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Work&& work) {
    db::ConnectionPool::AcquireLimits limits;  // the wait starts now
    limits.call_deadline = Deadline(context);
    // Deletes itself in OnDone.
    auto* reactor = new CallReactor(pool_, cancellations_, limits.call_deadline);
    limits.ticket = reactor->ticket();
    pool_.AsyncAcquire(
        limits,
        [this, context, reactor, deadline = limits.call_deadline,
         work = std::forward<Work>(work)](db::ConnectionPool::Lease lease) mutable {
          // The lease (a by-value parameter) is returned to the pool at the end
          // of this statement, before the client hears back.
          const grpc::Status status = Execute(context, *reactor, std::move(lease), deadline, work);
          reactor->Finish(Attribute(*reactor, status));
        },
        [this, reactor](std::exception_ptr error) {
          reactor->Finish(Attribute(*reactor, StatusFromException(std::move(error), logger_)));
        });
    return reactor;
  }

  // Finishes a call at once, on the gRPC thread: for requests rejected before
  // any database work.
  static grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context,
                                          const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

 private:
  template <typename Work>
  grpc::Status Execute(grpc::CallbackServerContext* context, CallReactor& reactor,
                       db::ConnectionPool::Lease lease, std::optional<Clock::time_point> deadline,
                       Work& work) {
    // gRPC may report the cancel here before it delivers OnCancel.
    if (context->IsCancelled()) reactor.NoteCancelled();
    if (!reactor.Attach(lease)) {
      return MakeStatus(grpc::StatusCode::CANCELLED, "call cancelled", "CANCELLED");
    }
    grpc::Status status;
    db::Session session(pool_, lease, deadline);
    try {
      status = work(session);
    } catch (const StatusError& error) {
      status = error.status();
    } catch (...) {
      status = StatusFromException(std::current_exception(), logger_, session.last_query());
    }
    reactor.Detach();
    return status;
  }

  // A call that gRPC cancelled fails the same way whoever cancelled it: its
  // statement with SQLSTATE 57014, its wait for a connection with
  // CallCancelled or DeadlineExceeded. The status names the cause: CANCELLED
  // for the client, DEADLINE_EXCEEDED for the deadline.
  static grpc::Status Attribute(CallReactor& reactor, grpc::Status status) {
    const grpc::StatusCode code = status.error_code();
    if (code != grpc::StatusCode::CANCELLED && code != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return status;
    }
    switch (reactor.cancellation()) {
      case CallReactor::Cancellation::kNone:
        return status;
      case CallReactor::Cancellation::kByClient:
        if (code == grpc::StatusCode::CANCELLED) return status;
        return MakeStatus(grpc::StatusCode::CANCELLED, "call cancelled", "CANCELLED");
      case CallReactor::Cancellation::kAtDeadline:
        if (code == grpc::StatusCode::DEADLINE_EXCEEDED) return status;
        return MakeStatus(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded",
                          "DEADLINE_EXCEEDED");
    }
    return status;
  }

  // The call's gRPC deadline on the steady clock, if it has one (deadlines
  // beyond a day are treated as none, which also keeps the arithmetic safe).
  static std::optional<Clock::time_point> Deadline(const grpc::CallbackServerContext* context) {
    const auto remaining = context->deadline() - std::chrono::system_clock::now();
    if (remaining > std::chrono::hours(24)) return std::nullopt;
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(remaining);
  }

  db::ConnectionPool& pool_;
  boost::asio::any_io_executor cancellations_;
  log::Logger& logger_;
};

}  // namespace photoflow::api
