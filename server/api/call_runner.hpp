#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <exception>
#include <optional>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/status_error.hpp"
#include "db/errors.hpp"
#include "log/logger.hpp"

namespace photoflow::api {

// Moves a unary call's blocking work (SQL) off the gRPC callback thread onto
// the worker pool, and finishes the call's reactor from there.
class CallRunner {
 public:
  using Clock = std::chrono::steady_clock;

  CallRunner(boost::asio::thread_pool& workers, log::Logger& logger)
      : workers_(workers), logger_(logger) {}

  // `work(std::optional<Clock::time_point> deadline)` returns grpc::Status or
  // throws: StatusError for API errors, anything else is mapped by
  // db::StatusFromException.
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Work&& work) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    boost::asio::post(workers_,
                      [this, context, reactor, work = std::forward<Work>(work)]() mutable {
                        reactor->Finish(Execute(context, work));
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

  log::Logger& logger() { return logger_; }

 private:
  template <typename Work>
  grpc::Status Execute(grpc::CallbackServerContext* context, Work& work) {
    if (context->IsCancelled()) return {grpc::StatusCode::CANCELLED, "call cancelled by client"};
    try {
      return work(Deadline(context));
    } catch (const StatusError& error) {
      return error.status();
    } catch (...) {
      return db::StatusFromException(std::current_exception(), logger_);
    }
  }

  // The call's gRPC deadline on the steady clock, if it has one.
  static std::optional<Clock::time_point> Deadline(const grpc::CallbackServerContext* context) {
    const auto deadline = context->deadline();
    if (deadline == std::chrono::system_clock::time_point::max()) return std::nullopt;
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(deadline - std::chrono::system_clock::now());
  }

  boost::asio::thread_pool& workers_;
  log::Logger& logger_;
};

}  // namespace photoflow::api
