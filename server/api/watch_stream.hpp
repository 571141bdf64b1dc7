#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/watch_events.hpp"
#include "api/watch_options.hpp"
#include "api/watch_token.hpp"
#include "common/watch_observer.hpp"
#include "db/pool.hpp"
#include "db/session.hpp"
#include "log/logger.hpp"
#include "model/field.hpp"
#include "query/filter.hpp"

namespace photoflow::api::watch {

class WatchHub;

// What a WatchTasks request asks for, checked and compiled.
struct WatchRequest {
  std::string filter;                    // the view, as the client wrote it
  query::SqlCondition list_condition;    // the filter over "Tasks", parameters from $1
  query::SqlCondition change_condition;  // the same, parameters from $3 (log reads)
  model::FieldSet fields = 0;            // the read mask
  model::FieldSet columns = 0;           // what the initial pages select
  std::optional<Position> resume;        // from resume_token
};

// One WatchTasks call: a gRPC write reactor fed by its own reads of the
// tasks and the log (the initial state, then catching up from its position)
// and, once it has caught up, by the hub's fan-out of live changes.
//
// Order and exactly-once delivery within a stream rest on one number, pos_:
// every change up to it has been queued (or did not concern the view). Its
// own reads move it forward; live batches move it forward only once the
// stream is live, and a live batch the hub read without this stream's
// filter sends it back to catching up, to read that stretch itself.
class WatchStream : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                    public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(WatchHub& hub, grpc::CallbackServerContext* context, WatchRequest request);

  // Registers with the hub and starts reading; call once, after make_shared.
  void Begin();

  // For the hub (its thread).
  const std::string& filter() const { return request_.filter; }
  // The client's address and port: the streams of one HTTP/2 connection
  // share it.
  const std::string& peer() const { return peer_; }
  model::FieldSet fields() const { return request_.fields; }
  // The log epoch this stream's positions belong to; empty before its first read.
  std::string epoch() const;
  // The hub will send every change after `seq`, or tell MissedLive.
  void JoinAt(int64_t seq);
  // The changes up to `covered_through` that concern this view (in order).
  void DeliverLive(const std::shared_ptr<const ViewBatch>& batch, int64_t covered_through);
  // The hub read the changes up to `covered_through` without this view's filter.
  void MissedLive(int64_t covered_through);
  // Sends CURRENT with a newer token when idle for the bookmark interval.
  void MaybeBookmark(std::chrono::steady_clock::time_point now);
  // Ends the stream with `status` once the write in flight is done (or after
  // a grace period, when the client has stopped reading). `reason` is for
  // the metrics. From any thread; later calls do nothing.
  void End(const grpc::Status& status, std::string_view reason);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  enum class Phase { kStart, kInitial, kCatchUp, kLive };

  // Under mutex_: true when a read should start now.
  bool ReadWantedLocked() const;
  void ScheduleRead();
  // The pool had no connection in time: ScheduleRead again after a pause.
  void RetryReadLater();
  // One read on a worker: a page of tasks, or of the log.
  void Read(db::ConnectionPool::Lease& lease);
  void ReadStart(db::Session& session);
  void ReadInitialPage(db::Session& session);
  void ReadChanges(db::Session& session);
  // Under mutex_: goes live if the reads have reached the hub's position.
  void TryJoinLocked();
  // Under mutex_: queues `event` (one or several) for the client.
  void QueueLocked(Event event);
  // Under mutex_: queues what of `batch` comes after pos_.
  void QueueAfterPosLocked(const ViewBatch& batch);
  // Starts the next write, or Finish, when nothing is in flight.
  void Pump();
  void EndLocked(const grpc::Status& status, std::string_view reason);

  WatchHub& hub_;
  grpc::CallbackServerContext* const context_;
  const WatchRequest request_;
  const std::string peer_;
  std::shared_ptr<WatchStream> self_;  // until OnDone

  mutable std::mutex mutex_;
  Phase phase_ = Phase::kStart;
  std::string epoch_;
  int64_t pos_ = 0;  // see the class comment
  int32_t initial_after_id_ = 0;
  int64_t join_seq_ = 0;                                       // the hub sends changes after this
  int64_t live_through_ = 0;                                   // the last live batch's end
  std::deque<Event> outbox_;                                   // what goes out next, in order
  size_t outbox_events_ = 0;                                   // events in outbox_
  std::deque<std::shared_ptr<const ViewBatch>> pending_live_;  // held while catching up
  size_t pending_events_ = 0;                                  // events in pending_live_
  int64_t last_token_seq_ = 0;  // the position of the last token queued
  bool sent_current_ = false;   // CURRENT after the initial state or the catch-up
  std::chrono::steady_clock::time_point last_queued_;
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;
  std::optional<grpc::Status> end_;
  bool finished_ = false;
  bool done_ = false;
  grpc::ByteBuffer write_;                              // the write in flight
  std::unique_ptr<boost::asio::steady_timer> stalled_;  // cancels a write that never ends
  std::unique_ptr<boost::asio::steady_timer> retry_;    // a read the pool refused, again
  // TryCancel needs a call that is not done: OnDone and the stalled-write
  // timer agree under a mutex of their own (TryCancel may call OnCancel).
  std::mutex cancel_mutex_;
  bool call_done_ = false;
};

}  // namespace photoflow::api::watch
