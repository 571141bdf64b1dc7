#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <algorithm>
#include <cassert>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "api/call_reactor.hpp"
#include "db/pool.hpp"
#include "db/session.hpp"

namespace photoflow::api {

// Natural batching for one method: calls of it that wait for a connection at
// the same moment share one statement when a connection frees (one
// `id = ANY($1)` for many GetTask calls, one multi-row INSERT and one commit
// for many CreateTask or CreateComment calls). Nothing waits for a batch to
// fill: a call that finds a free connection starts at once, taking along the
// calls that queued meanwhile, and a batch is whatever is waiting when a
// connection frees, up to a cap. CallRunner::RunBatched drives it.
//
// `Call` is what the work needs of one call (its request and response).
template <typename Call>
class CallBatch {
 public:
  // Runs `calls` (one, or several that waited together) with the statements
  // one call would run; returns each call's status, in order, having written
  // each successful call's response. Throws when the work failed as a whole.
  using Work = std::function<std::vector<grpc::Status>(db::Session&, std::span<const Call* const>)>;

  CallBatch(std::string_view method, Work work) : method_(method), work_(std::move(work)) {}
  CallBatch(const CallBatch&) = delete;
  CallBatch& operator=(const CallBatch&) = delete;

  // For metrics ("GetTask").
  std::string_view method() const { return method_; }

  std::vector<grpc::Status> Run(db::Session& session, std::span<const Call* const> calls) const {
    return work_(session, calls);
  }
  // The work of one call by itself.
  grpc::Status RunAlone(db::Session& session, const Call& call) const {
    const Call* const calls[] = {&call};
    return work_(session, calls).at(0);
  }

 private:
  friend class CallRunner;

  // A call from its arrival until it runs (alone or in a batch) or fails.
  struct Waiting {
    Waiting(grpc::CallbackServerContext* waiting_context, CallReactor* waiting_reactor,
            std::optional<std::chrono::steady_clock::time_point> waiting_deadline,
            Call waiting_call)
        : context(waiting_context),
          reactor(waiting_reactor),
          deadline(waiting_deadline),
          call(std::move(waiting_call)) {}

    grpc::CallbackServerContext* context;
    CallReactor* reactor;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    Call call;
  };

  void Enter(std::shared_ptr<Waiting> waiting) {
    const std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(waiting));
  }

  void Leave(const Waiting& waiting) {
    const std::lock_guard lock(mutex_);
    std::erase_if(waiting_, [&](const auto& entry) { return entry.get() == &waiting; });
  }

  // `leader` got a connection: it leaves, and takes with it up to `max_riders`
  // calls still queued in the pool (those that are not queued, having found
  // a free connection or not reached the queue yet, stay and run by
  // themselves). The leader comes first in the result.
  std::vector<std::shared_ptr<Waiting>> TakeRiders(const Waiting& leader, db::ConnectionPool& pool,
                                                   std::size_t max_riders) {
    std::vector<std::shared_ptr<Waiting>> members;
    const std::lock_guard lock(mutex_);
    const auto self = std::find_if(waiting_.begin(), waiting_.end(),
                                   [&](const auto& entry) { return entry.get() == &leader; });
    assert(self != waiting_.end());  // entered before it queued; leaves only here or in Leave
    members.push_back(std::move(*self));
    waiting_.erase(self);
    for (auto it = waiting_.begin(); it != waiting_.end() && members.size() <= max_riders;) {
      if (pool.Withdraw(*(*it)->reactor->ticket())) {
        members.push_back(std::move(*it));
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    return members;
  }

  const std::string_view method_;
  const Work work_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Waiting>> waiting_;  // in arrival order
};

}  // namespace photoflow::api
