#include "api/watch_stream.hpp"

#include <cstdint>

#include "api/database_errors.hpp"
#include "api/rpc_status.hpp"
#include "api/status_error.hpp"
#include "api/watch_hub.hpp"
#include "db/errors.hpp"
#include "db/session.hpp"
#include "store/task_changes.hpp"
#include "store/task_store.hpp"

namespace photoflow::api::watch {
namespace {

using Clock = std::chrono::steady_clock;

// Rows per read of the tasks (initial state) or the log (catching up).
constexpr int kPageSize = 500;
// A stream reads on while fewer events than this wait for its client.
constexpr size_t kReadAhead = 1000;
// One write carries at most this much (several events per message: a write
// per event is too many writes for two cores at 500 events/s to 1,000
// streams).
constexpr int kMaxEventsPerWrite = 500;
constexpr size_t kMaxWriteBytes = 1 << 20;
// A client that stops reading keeps its last write in flight for ever: the
// call is cancelled this long after the stream was ended.
constexpr std::chrono::seconds kStalledWriteGrace{5};
// A read the pool could not serve in time is tried again after this.
constexpr std::chrono::milliseconds kReadRetryDelay{50};

grpc::Status TokenExpired() {
  return MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                    "resume_token: the change log no longer holds this position (older than the "
                    "retention, or the log was reset): watch again without a resume_token",
                    "TOKEN_EXPIRED");
}

}  // namespace

WatchStream::WatchStream(WatchHub& hub, grpc::CallbackServerContext* context, WatchRequest request)
    : hub_(hub), context_(context), request_(std::move(request)), peer_(context->peer()) {}

void WatchStream::Begin() {
  self_ = shared_from_this();
  if (common::WatchObserver* observer = hub_.observer()) observer->StreamStarted();
  switch (hub_.Register(self_)) {
    case WatchHub::Admission::kAdmitted:
      break;
    case WatchHub::Admission::kStopping:
      End(MakeStatus(grpc::StatusCode::UNAVAILABLE,
                     "the server is shutting down: watch again with your last resume_token",
                     "SHUTTING_DOWN"),
          "shutdown");
      return;
    case WatchHub::Admission::kTooManyFilters:
      End(MakeRetryStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "this server's streams use " +
                              std::to_string(WatchHub::kMaxDistinctFilters) +
                              " different filters already: use one of theirs, or try later",
                          "WATCH_FILTERS_EXHAUSTED", std::chrono::seconds(1)),
          "too_many_filters");
      return;
  }
  ScheduleRead();
}

std::string WatchStream::epoch() const {
  const std::lock_guard lock(mutex_);
  return epoch_;
}

void WatchStream::JoinAt(int64_t seq) {
  const std::lock_guard lock(mutex_);
  join_seq_ = std::max(join_seq_, seq);
}

bool WatchStream::ReadWantedLocked() const {
  return !read_in_flight_ && !end_ && !done_ && phase_ != Phase::kLive &&
         outbox_events_ < kReadAhead;
}

void WatchStream::ScheduleRead() {
  {
    const std::lock_guard lock(mutex_);
    if (!ReadWantedLocked()) return;
    read_in_flight_ = true;
  }
  auto self = shared_from_this();
  hub_.pool().AsyncAcquire(
      {}, [self](db::ConnectionPool::Lease lease) { self->Read(lease); },
      [self](std::exception_ptr error) {
        try {
          std::rethrow_exception(error);
        } catch (const db::PoolTimeout&) {
          // The pool is busy (many streams catching up at once): wait, not fail.
          self->RetryReadLater();
          return;
        } catch (...) {
        }
        {
          const std::lock_guard lock(self->mutex_);
          self->read_in_flight_ = false;
        }
        self->End(StatusFromException(std::move(error), self->hub_.logger()),
                  "database_unavailable");
      });
}

void WatchStream::RetryReadLater() {
  const std::lock_guard lock(mutex_);
  if (done_ || end_) {
    read_in_flight_ = false;
    return;
  }
  // read_in_flight_ stays set: the timer's read is the one in flight.
  retry_ = std::make_unique<boost::asio::steady_timer>(
      // Spread over 50 ms, so that streams refused together do not return together.
      hub_.timers(),
      kReadRetryDelay + std::chrono::milliseconds(reinterpret_cast<uintptr_t>(this) / 64 % 50));
  retry_->async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    {
      const std::lock_guard lock(self->mutex_);
      self->read_in_flight_ = false;
    }
    if (!error) self->ScheduleRead();
  });
}

void WatchStream::Read(db::ConnectionPool::Lease& lease) {
  Phase phase;
  {
    const std::lock_guard lock(mutex_);
    phase = phase_;
  }
  try {
    // The connection goes back to the pool before the next read is asked for.
    db::ConnectionPool::Lease held = std::move(lease);
    db::Session session(hub_.pool(), held, std::nullopt);
    switch (phase) {
      case Phase::kStart:
        ReadStart(session);
        break;
      case Phase::kInitial:
        ReadInitialPage(session);
        break;
      case Phase::kCatchUp:
        ReadChanges(session);
        break;
      case Phase::kLive:
        break;
    }
  } catch (const StatusError& error) {
    End(error.status(), "token_expired");
  } catch (...) {
    End(StatusFromException(std::current_exception(), hub_.logger()), "database_unavailable");
  }
  {
    const std::lock_guard lock(mutex_);
    read_in_flight_ = false;
  }
  ScheduleRead();
  Pump();
}

// Where the stream starts: the log's position now (a new view), or the
// token's, which must still be in the log.
void WatchStream::ReadStart(db::Session& session) {
  // What committed before now gets its number first: a new view's starting
  // position then covers what its initial state shows (else those changes
  // would follow its CURRENT again), and a resumed stream's CURRENT comes
  // after every change committed before it asked.
  while (session.WriteStatement([](db::Transaction& txn) {
    return store::changes::Sequence(txn, WatchHub::kSequenceSize,
                                    store::changes::Contention::kWait);
  }) == WatchHub::kSequenceSize) {
  }
  const store::changes::LogState state =
      session.ReadStatement([](db::Transaction& txn) { return store::changes::ReadState(txn); });
  const std::lock_guard lock(mutex_);
  if (!request_.resume) {
    epoch_ = state.epoch;
    pos_ = state.head;
    initial_after_id_ = 0;
    phase_ = Phase::kInitial;
    return;
  }
  const Position& resume = *request_.resume;
  if (resume.epoch != state.epoch || resume.seq < state.pruned_through || resume.seq > state.head) {
    throw StatusError(TokenExpired());
  }
  epoch_ = resume.epoch;
  pos_ = resume.seq;
  if (resume.initial_after_id) {
    initial_after_id_ = *resume.initial_after_id;
    phase_ = Phase::kInitial;
  } else {
    phase_ = Phase::kCatchUp;
    last_token_seq_ = pos_;
  }
}

// The next page of the tasks in the view, by id. Pages are separate
// snapshots: a change that lands between them is sent again after CURRENT,
// since every change after the starting position is.
void WatchStream::ReadInitialPage(db::Session& session) {
  int32_t after_id = 0;
  {
    const std::lock_guard lock(mutex_);
    after_id = initial_after_id_;
  }
  const query::SqlCondition& condition = request_.list_condition;
  std::vector<std::string> parameters = condition.parameters;
  parameters.push_back(std::to_string(after_id));
  const std::string where = "(" + condition.sql + ") AND " +
                            std::string(model::kTaskFields[model::kTaskId].column) + " > $" +
                            std::to_string(parameters.size());
  const std::vector<store::TaskRow> page = session.ReadStatement([&](db::Transaction& txn) {
    return store::tasks::List(txn, where, parameters, "id", kPageSize, request_.columns);
  });
  const std::lock_guard lock(mutex_);
  for (const store::TaskRow& row : page) {
    initial_after_id_ = row.int32(model::kTaskId);
    QueueLocked(MakeEvent(v1::TaskEvent::EXISTING, &row, request_.fields,
                          EncodeToken({epoch_, pos_, initial_after_id_}), 0, 0));
  }
  if (static_cast<int>(page.size()) < kPageSize) {
    QueueLocked(MakeEvent(v1::TaskEvent::CURRENT, nullptr, 0,
                          EncodeToken({epoch_, pos_, std::nullopt}), pos_, 0));
    last_token_seq_ = pos_;
    sent_current_ = true;
    phase_ = Phase::kCatchUp;
  }
  last_queued_ = Clock::now();
}

// The next stretch of the log after pos_, with this view's filter.
void WatchStream::ReadChanges(db::Session& session) {
  int64_t from = 0;
  std::string epoch;
  {
    const std::lock_guard lock(mutex_);
    from = pos_;
    epoch = epoch_;
  }
  const query::SqlCondition& condition = request_.change_condition;
  const store::changes::ChangeBatch batch = session.ReadStatement([&](db::Transaction& txn) {
    return store::changes::Read(txn, from, kPageSize, {condition.sql}, condition.parameters);
  });
  if (batch.state.epoch != epoch || batch.state.pruned_through > from) {
    throw StatusError(TokenExpired());
  }
  std::vector<Event> events;
  for (const store::changes::Change& change : batch.changes) {
    const auto type = EventType(change, change.before_matches[0], change.after_matches[0]);
    if (!type) continue;
    const store::TaskRow& task = change.after ? *change.after : *change.before;
    events.push_back(MakeEvent(*type, &task, request_.fields, EncodeToken({epoch, change.seq, {}}),
                               change.seq, change.committed_at_micros));
  }
  const std::lock_guard lock(mutex_);
  for (Event& event : events) {
    last_token_seq_ = event.seq;
    QueueLocked(std::move(event));
  }
  if (!batch.changes.empty()) pos_ = batch.changes.back().seq;
  if (static_cast<int>(batch.changes.size()) < kPageSize) TryJoinLocked();
}

void WatchStream::QueueLocked(Event event) {
  outbox_events_ += static_cast<size_t>(event.count);
  outbox_.push_back(std::move(event));
  last_queued_ = Clock::now();
}

void WatchStream::QueueAfterPosLocked(const ViewBatch& batch) {
  if (batch.events.empty() || batch.combined.seq <= pos_) return;
  if (batch.combined.first_seq > pos_) {
    QueueLocked(batch.combined);  // the usual case: all of it, shared
  } else {
    for (const Event& event : batch.events) {
      if (event.seq > pos_) QueueLocked(event);
    }
  }
  last_token_seq_ = batch.combined.seq;
}

void WatchStream::TryJoinLocked() {
  if (phase_ != Phase::kCatchUp || pos_ < join_seq_) return;
  if (outbox_events_ + pending_events_ > hub_.options().max_buffered_events) {
    // Joining now would hand the client more than a live stream may hold:
    // read the held events from the log instead, a page at a time.
    pending_live_.clear();
    pending_events_ = 0;
    join_seq_ = std::max(join_seq_, live_through_);
    return;
  }
  phase_ = Phase::kLive;
  for (const auto& batch : pending_live_) {
    QueueAfterPosLocked(*batch);  // what the log reads covered already is skipped
    pos_ = std::max(pos_, batch->combined.seq);
  }
  pending_live_.clear();
  pending_events_ = 0;
  pos_ = std::max(pos_, live_through_);
  if (!sent_current_) {
    // A resumed stream says when it has caught up, as a new one does after
    // its initial state.
    sent_current_ = true;
    QueueLocked(MakeEvent(v1::TaskEvent::CURRENT, nullptr, 0,
                          EncodeToken({epoch_, pos_, std::nullopt}), pos_, 0));
    last_token_seq_ = pos_;
  }
}

void WatchStream::DeliverLive(const std::shared_ptr<const ViewBatch>& batch,
                              int64_t covered_through) {
  {
    const std::lock_guard lock(mutex_);
    if (end_ || done_) return;
    live_through_ = std::max(live_through_, covered_through);
    if (phase_ == Phase::kLive) {
      QueueAfterPosLocked(*batch);
      pos_ = std::max(pos_, covered_through);
      if (outbox_events_ > hub_.options().max_buffered_events) {
        EndLocked(MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "the client read too slowly: more than " +
                                 std::to_string(hub_.options().max_buffered_events) +
                                 " events were waiting: watch again with your last resume_token",
                             "WATCH_BUFFER_FULL"),
                  "slow_consumer");
      }
    } else if (!batch->events.empty()) {
      pending_live_.push_back(batch);
      pending_events_ += batch->events.size();
      if (pending_events_ > hub_.options().max_buffered_events) {
        // Still catching up: read these from the log later instead of holding them.
        pending_live_.clear();
        pending_events_ = 0;
        join_seq_ = std::max(join_seq_, covered_through);
      }
    }
  }
  Pump();
}

void WatchStream::MissedLive(int64_t covered_through) {
  {
    const std::lock_guard lock(mutex_);
    join_seq_ = std::max(join_seq_, covered_through);
    live_through_ = std::max(live_through_, covered_through);
    if (phase_ == Phase::kLive && pos_ < covered_through) phase_ = Phase::kCatchUp;
  }
  ScheduleRead();
}

void WatchStream::MaybeBookmark(Clock::time_point now) {
  {
    const std::lock_guard lock(mutex_);
    if (phase_ != Phase::kLive || end_ || write_in_flight_ || !outbox_.empty() ||
        pos_ <= last_token_seq_ || now - last_queued_ < hub_.options().bookmark_interval) {
      return;
    }
    QueueLocked(MakeEvent(v1::TaskEvent::CURRENT, nullptr, 0,
                          EncodeToken({epoch_, pos_, std::nullopt}), pos_, 0));
    last_token_seq_ = pos_;
  }
  Pump();
}

void WatchStream::Pump() {
  std::unique_lock lock(mutex_);
  if (write_in_flight_ || finished_ || done_) return;
  if (end_) {
    finished_ = true;
    const grpc::Status status = *end_;
    lock.unlock();
    Finish(status);
    return;
  }
  if (outbox_.empty()) return;
  // The events' own bytes, shared with every stream that sends them: each
  // slice holds a reference until gRPC has sent it.
  std::vector<grpc::Slice> slices;
  int events = 0;
  size_t bytes = 0;
  std::vector<int64_t> commits;
  while (!outbox_.empty() && events < kMaxEventsPerWrite && bytes < kMaxWriteBytes) {
    Event& event = outbox_.front();
    auto* keep = new std::shared_ptr<const std::string>(std::move(event.bytes));
    slices.emplace_back(
        const_cast<char*>((*keep)->data()), (*keep)->size(),
        [](void* held) { delete static_cast<std::shared_ptr<const std::string>*>(held); }, keep);
    bytes += (*keep)->size();
    if (event.commits) {
      commits.insert(commits.end(), event.commits->begin(), event.commits->end());
    } else if (event.committed_at_micros != 0) {
      commits.push_back(event.committed_at_micros);
    }
    events += event.count;
    outbox_events_ -= static_cast<size_t>(event.count);
    outbox_.pop_front();
  }
  write_ = grpc::ByteBuffer(slices.data(), slices.size());
  write_in_flight_ = true;
  lock.unlock();
  if (common::WatchObserver* observer = hub_.observer()) {
    observer->EventsSent(events);
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (const int64_t committed : commits) {
      observer->ChangeDelivered(std::chrono::microseconds(std::max<int64_t>(0, now - committed)));
    }
  }
  StartWrite(&write_);
  ScheduleRead();
}

void WatchStream::End(const grpc::Status& status, std::string_view reason) {
  {
    const std::lock_guard lock(mutex_);
    EndLocked(status, reason);
  }
  Pump();
}

void WatchStream::EndLocked(const grpc::Status& status, std::string_view reason) {
  if (end_ || done_) return;
  end_ = status;
  outbox_.clear();
  outbox_events_ = 0;
  pending_live_.clear();
  pending_events_ = 0;
  if (common::WatchObserver* observer = hub_.observer()) observer->StreamEnded(reason);
  if (!write_in_flight_) return;
  // The client may never read the write in flight: cancel the call if it is
  // still there after a grace period.
  stalled_ = std::make_unique<boost::asio::steady_timer>(hub_.timers(), kStalledWriteGrace);
  stalled_->async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    if (error) return;
    if (const auto stream = weak.lock()) {
      const std::lock_guard lock(stream->cancel_mutex_);
      if (!stream->call_done_) stream->context_->TryCancel();
    }
  });
}

void WatchStream::OnWriteDone(bool ok) {
  {
    const std::lock_guard lock(mutex_);
    write_in_flight_ = false;
    if (!ok) EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"), "client_gone");
  }
  ScheduleRead();
  Pump();
}

void WatchStream::OnCancel() {
  End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"), "cancelled");
}

void WatchStream::OnDone() {
  hub_.Unregister(this);
  {
    const std::lock_guard lock(cancel_mutex_);
    call_done_ = true;
  }
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
    if (stalled_) stalled_->cancel();
    if (retry_) retry_->cancel();
  }
  self_.reset();  // last: may delete this
}

}  // namespace photoflow::api::watch
