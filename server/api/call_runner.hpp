#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <boost/asio/any_io_executor.hpp>

#include "api/call_batch.hpp"
#include "api/call_reactor.hpp"
#include "api/database_errors.hpp"
#include "api/rpc_status.hpp"
#include "api/status_error.hpp"
#include "db/batch_observer.hpp"
#include "db/pool.hpp"
#include "db/session.hpp"
#include "log/logger.hpp"

namespace photoflow::api {

// How CallRunner batches the calls of batched methods.
struct BatchOptions {
  // Most calls one batched statement serves (CallRunner::RunBatched); 1 runs
  // every call alone.
  int max_calls = 1;
  // Told the size of every batch (1 for a call that ran alone); may be null.
  db::BatchObserver* observer = nullptr;
};

// Runs a unary call's database work off the gRPC callback thread: waits
// (asynchronously) for a pooled connection, runs the work on the worker that
// got it, and finishes the call's reactor from there.
class CallRunner {
 public:
  using Clock = db::ConnectionPool::Clock;

  // `cancellations` runs the PQcancel of calls their clients cancelled (it
  // may block; gRPC's threads must not).
  // `calls` (may be null) hears how every call ended.
  CallRunner(db::ConnectionPool& pool, boost::asio::any_io_executor cancellations,
             log::Logger& logger, BatchOptions batching = {}, CallObserver* calls = nullptr)
      : pool_(pool),
        cancellations_(std::move(cancellations)),
        logger_(logger),
        batching_(batching),
        calls_(calls) {}

  // `work(db::Session&)` returns grpc::Status or throws: StatusError for API
  // errors; anything else is mapped by StatusFromException. It writes the
  // response into `messages`, which the call's reactor owns from now on.
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                std::unique_ptr<CallMessages> messages, Work&& work) {
    db::ConnectionPool::AcquireLimits limits;  // the wait starts now
    limits.call_deadline = Deadline(context);
    // Deletes itself in OnDone.
    auto* reactor =
        new CallReactor(pool_, cancellations_, limits.call_deadline, std::move(messages), calls_);
    limits.ticket = reactor->ticket();
    pool_.AsyncAcquire(
        limits,
        [this, context, reactor, deadline = limits.call_deadline,
         work = std::forward<Work>(work)](db::ConnectionPool::Lease lease) mutable {
          grpc::Status status;
          {
            // The connection goes back to the pool before the client hears back.
            db::ConnectionPool::Lease held = std::move(lease);
            status = Execute(context, *reactor, held, deadline, work);
          }
          reactor->Complete(Attribute(*reactor, status));
        },
        [this, reactor](std::exception_ptr error) {
          reactor->Complete(Attribute(*reactor, StatusFromException(std::move(error), logger_)));
        });
    return reactor;
  }

  // Runs a call of a batched method: like Run, except that calls of `batch`
  // that wait for a connection together run as one batch on the first
  // connection that frees (CallBatch). `batch` outlives the call.
  template <typename Call>
  grpc::ServerUnaryReactor* RunBatched(grpc::CallbackServerContext* context,
                                       std::unique_ptr<CallMessages> messages,
                                       CallBatch<Call>& batch, Call call) {
    if (batching_.max_calls <= 1) {
      return Run(context, std::move(messages),
                 [&batch, call = std::move(call)](db::Session& session) {
                   return batch.RunAlone(session, call);
                 });
    }
    using Waiting = typename CallBatch<Call>::Waiting;
    db::ConnectionPool::AcquireLimits limits;  // the wait starts now
    limits.call_deadline = Deadline(context);
    // Deletes itself in OnDone.
    auto* reactor =
        new CallReactor(pool_, cancellations_, limits.call_deadline, std::move(messages), calls_);
    limits.ticket = reactor->ticket();
    auto waiting =
        std::make_shared<Waiting>(context, reactor, limits.call_deadline, std::move(call));
    batch.Enter(waiting);
    pool_.AsyncAcquire(
        limits,
        [this, &batch, waiting](db::ConnectionPool::Lease lease) {
          RunTogether(
              batch, std::move(lease),
              batch.TakeRiders(*waiting, pool_, static_cast<std::size_t>(batching_.max_calls - 1)));
        },
        [this, &batch, waiting](std::exception_ptr error) {
          batch.Leave(*waiting);
          waiting->reactor->Complete(
              Attribute(*waiting->reactor, StatusFromException(std::move(error), logger_)));
        });
    return reactor;
  }

  // Finishes `call` at once, on the gRPC thread: for requests rejected before
  // any database work.
  grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context, const CallMessages& call,
                                   const grpc::Status& status) {
    CallReactor::Observe(calls_, call, status.error_code());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

 private:
  template <typename Work>
  grpc::Status Execute(grpc::CallbackServerContext* context, CallReactor& reactor,
                       db::ConnectionPool::Lease& lease, std::optional<Clock::time_point> deadline,
                       Work& work) {
    // gRPC may report the cancel here before it delivers OnCancel.
    if (context->IsCancelled()) reactor.NoteCancelled();
    lease.BeginCall();  // a cancel of a call that ran on this lease before is not this one's
    if (!reactor.Attach(std::make_shared<SharedStatement>(lease.cancel_handle(), 1))) {
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

  // Runs `members` (the leader first) on `lease` and finishes each call.
  template <typename Call>
  void RunTogether(CallBatch<Call>& batch, db::ConnectionPool::Lease lease,
                   const std::vector<std::shared_ptr<typename CallBatch<Call>::Waiting>>& members) {
    if (batching_.observer != nullptr) batching_.observer->BatchRan(batch.method(), members.size());
    std::vector<grpc::Status> statuses(members.size());
    {
      // The connection goes back to the pool before the clients hear back.
      db::ConnectionPool::Lease held = std::move(lease);
      if (members.size() == 1) {
        auto& only = *members.front();
        auto alone = [&](db::Session& session) { return batch.RunAlone(session, only.call); };
        statuses[0] = Execute(only.context, *only.reactor, held, only.deadline, alone);
      } else {
        statuses = ExecuteBatch(batch, held, members);
      }
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      members[i]->reactor->Complete(Attribute(*members[i]->reactor, statuses[i]));
    }
  }

  // One statement for several calls. It is bounded by the latest of their
  // deadlines and cancelled only once every one of them has gone. When it
  // fails as a whole with an error from PostgreSQL that one row may have
  // caused, each call is retried alone, so that the bad row fails only its
  // own call.
  template <typename Call>
  std::vector<grpc::Status> ExecuteBatch(
      CallBatch<Call>& batch, db::ConnectionPool::Lease& lease,
      const std::vector<std::shared_ptr<typename CallBatch<Call>::Waiting>>& members) {
    std::vector<grpc::Status> statuses(
        members.size(), MakeStatus(grpc::StatusCode::CANCELLED, "call cancelled", "CANCELLED"));
    lease.BeginCall();
    const auto statement =
        std::make_shared<SharedStatement>(lease.cancel_handle(), static_cast<int>(members.size()));
    std::vector<std::size_t> running;
    std::vector<const Call*> calls;
    std::optional<Clock::time_point> deadline = Clock::time_point::min();
    for (std::size_t i = 0; i < members.size(); ++i) {
      auto& member = *members[i];
      if (member.context->IsCancelled()) member.reactor->NoteCancelled();
      if (!member.reactor->Attach(statement)) continue;
      running.push_back(i);
      calls.push_back(&member.call);
      if (!member.deadline) {
        deadline.reset();
      } else if (deadline) {
        deadline = std::max(*deadline, *member.deadline);
      }
    }
    if (running.empty()) return statuses;
    auto fail_all = [&](const grpc::Status& status) {
      for (const std::size_t i : running) statuses[i] = status;
    };
    bool retry_alone = false;
    db::Session session(pool_, lease, deadline);
    try {
      std::vector<grpc::Status> results = batch.Run(session, calls);
      for (std::size_t i = 0; i < running.size(); ++i) statuses[running[i]] = results.at(i);
    } catch (const StatusError& error) {
      fail_all(error.status());
    } catch (...) {
      // Rejected data may be one row's doing: each call then runs alone. Any
      // other failure (a cancel, the deadline, the connection) is the batch's.
      retry_alone = IsRejectedData(std::current_exception());
      if (!retry_alone) {
        fail_all(StatusFromException(std::current_exception(), logger_, session.last_query()));
      }
    }
    for (const std::size_t i : running) members[i]->reactor->Detach();
    if (!retry_alone) return statuses;
    for (const std::size_t i : running) {
      auto& member = *members[i];
      auto alone = [&](db::Session& session) { return batch.RunAlone(session, member.call); };
      statuses[i] = Execute(member.context, *member.reactor, lease, member.deadline, alone);
    }
    return statuses;
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
  const BatchOptions batching_;
  CallObserver* const calls_;
};

}  // namespace photoflow::api
