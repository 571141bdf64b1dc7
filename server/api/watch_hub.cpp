#include "api/watch_hub.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <pqxx/nontransaction>
#include <pqxx/notification>
#include <pqxx/transaction>

#include "api/rpc_status.hpp"
#include "api/watch_stream.hpp"
#include "api/watch_token.hpp"
#include "query/filter.hpp"

namespace photoflow::api::watch {
namespace {

using Clock = std::chrono::steady_clock;

// Changes per read of the log, and per run of the sequencer.
constexpr int kFetchSize = 1000;
constexpr int kSequenceSize = WatchHub::kSequenceSize;
// Runs of the sequencer that find another in progress this long get a warning.
constexpr std::chrono::seconds kSequencerStuck{10};
// While PostgreSQL is unreachable the hub retries this often, and ends the
// streams once this long has passed (their clients resume elsewhere or later).
constexpr std::chrono::milliseconds kReconnectDelay{500};
constexpr std::chrono::seconds kOutageGrace{5};
constexpr std::chrono::seconds kPruneInterval{10};
constexpr int64_t kPruneChunk = 50'000;
constexpr std::chrono::seconds kBookmarkCheck{1};
// The hub's statements (log reads, pruning) give up after this.
constexpr const char* kHubTimeouts =
    "SELECT pg_catalog.set_config('statement_timeout', '10s', false), "
    "pg_catalog.set_config('lock_timeout', '5s', false)";
constexpr const char* kHubTimeoutsLocal =
    "SELECT pg_catalog.set_config('statement_timeout', '10s', true), "
    "pg_catalog.set_config('lock_timeout', '5s', true)";

}  // namespace

// The LISTEN connection. libpqxx runs LISTEN when the receiver is made and
// UNLISTEN when it goes; its notifications are counted, never read: the log
// is what the hub reads.
struct WatchHub::Listener {
  class Receiver final : public pqxx::notification_receiver {
   public:
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string& /*payload*/, int /*backend_pid*/) override { ++received; }
    int received = 0;
  };

  ~Listener() {
    // A broken connection must not be asked to UNLISTEN on the way out.
    if (connection && receiver && !healthy) connection->disconnect();
    receiver.reset();
    connection.reset();
  }

  std::unique_ptr<db::PooledConnection> connection;
  std::unique_ptr<Receiver> receiver;
  bool healthy = true;
};

template <typename Work>
auto WatchHub::Run(Work&& work) {
  db::PooledConnection& connection = *listener_->connection;
  if (connection.session_state()) {
    pqxx::nontransaction statement(connection);
    db::Transaction txn(statement, connection);
    auto result = work(txn);
    statement.commit();
    return result;
  }
  // Behind PgBouncer each transaction sets what a session would keep.
  pqxx::work transaction(connection);
  transaction.exec(kHubTimeoutsLocal);
  transaction.exec_params(
      "SELECT pg_catalog.set_config('TimeZone', 'UTC', true), "
      "pg_catalog.set_config('search_path', CASE WHEN $1 = '' THEN "
      "pg_catalog.current_setting('search_path') ELSE $1 END, true)",
      schema_.empty() ? std::string() : connection.quote_name(schema_));
  db::Transaction txn(transaction, connection);
  auto result = work(txn);
  transaction.commit();
  return result;
}

WatchHub::WatchHub(db::ConnectionPool& pool, std::string schema, bool listen, WatchOptions options,
                   boost::asio::any_io_executor timers, log::Logger& logger,
                   common::WatchObserver* observer)
    : pool_(pool),
      schema_(std::move(schema)),
      listen_(listen),
      options_(options),
      timers_(std::move(timers)),
      logger_(logger),
      observer_(observer),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
}

WatchHub::~WatchHub() {
  Stop();
  close(wake_fd_);
}

void WatchHub::Start() {
  thread_ = std::thread([this] { Loop(); });
  std::unique_lock lock(mutex_);
  first_attempt_.wait(lock, [this] { return first_attempt_done_; });
}

void WatchHub::Stop() {
  std::vector<std::shared_ptr<WatchStream>> streams;
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      streams = streams_;
    }
  }
  for (const auto& stream : streams) {
    stream->End(MakeStatus(grpc::StatusCode::UNAVAILABLE,
                           "the server is shutting down: watch again with your last resume_token",
                           "SHUTTING_DOWN"),
                "shutdown");
  }
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

WatchHub::Admission WatchHub::Register(const std::shared_ptr<WatchStream>& stream) {
  const std::lock_guard lock(mutex_);
  if (stopping_) return Admission::kStopping;
  // Every distinct filter is tested in the hub's one read of the log, whose
  // parameters PostgreSQL bounds: new filters beyond the limit are refused.
  if (!filters_.contains(stream->filter()) && filters_.size() >= kMaxDistinctFilters) {
    return Admission::kTooManyFilters;
  }
  // Kept in order of their connections: a delivery's writes to one HTTP/2
  // connection follow each other, so that gRPC can put them in one send.
  streams_.insert(
      std::upper_bound(streams_.begin(), streams_.end(), stream,
                       [](const auto& a, const auto& b) { return a->peer() < b->peer(); }),
      stream);
  ++filters_[stream->filter()];
  if (streams_.size() == 1) {
    // The hub waited for the poll interval: from now on it runs every batch window.
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof one);
  }
  // Every change after head_ reaches the stream through Deliver; before the
  // hub has read anything, MissedLive will tell it where the hub starts.
  stream->JoinAt(std::max<int64_t>(head_, 0));
  return Admission::kAdmitted;
}

void WatchHub::Unregister(const WatchStream* stream) {
  const std::lock_guard lock(mutex_);
  const auto found = std::find_if(streams_.begin(), streams_.end(),
                                  [stream](const auto& entry) { return entry.get() == stream; });
  if (found == streams_.end()) return;
  const auto filter = filters_.find((*found)->filter());
  if (--filter->second == 0) filters_.erase(filter);
  streams_.erase(found);
}

std::vector<std::shared_ptr<WatchStream>> WatchHub::Streams() {
  const std::lock_guard lock(mutex_);
  return streams_;
}

void WatchHub::EndAll(const grpc::Status& status, std::string_view reason) {
  for (const auto& stream : Streams()) stream->End(status, reason);
}

void WatchHub::Loop() {
  Clock::time_point last_bookmarks;
  while (true) {
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    try {
      if (!listener_) {
        const auto announce = [this] {
          const std::lock_guard lock(mutex_);
          first_attempt_done_ = true;
          first_attempt_.notify_all();
        };
        try {
          Connect();
        } catch (...) {
          announce();
          throw;
        }
        announce();
      }
      if (in_outage_) {
        in_outage_ = false;
        logger_.Info("watch_reconnected");
      }
      // Number what has committed (unless another server is at it: its
      // NOTIFY will say when), then read it. Our own NOTIFY is in libpq once
      // the run has returned: the read covers it, as it covers any other
      // server's run that committed before it. Woken by another server's
      // run before the batch window is over, the hub only reads: else the
      // servers' runs would wake each other back to back.
      int64_t numbered = 0;
      if (Clock::now() >= next_sequence_) {
        numbered = Run([](db::Transaction& txn) {
          return store::changes::Sequence(txn, kSequenceSize, store::changes::Contention::kSkip);
        });
        NoteSequencerRun(numbered);
      }
      const bool notified = DrainNotifications() || notified_;
      notified_ = false;
      if (numbered > 0 || notified || !listener_->receiver ||
          Clock::now() - last_fetch_ >= options_.poll_interval) {
        Fetch();
      }
      const Clock::time_point now = Clock::now();
      if (now - last_bookmarks >= kBookmarkCheck) {
        last_bookmarks = now;
        for (const auto& stream : Streams()) stream->MaybeBookmark(now);
      }
      if (now - last_prune_ >= kPruneInterval) {
        last_prune_ = now;
        const int64_t pruned = Run([&](db::Transaction& txn) {
          return store::changes::Prune(txn, options_.retention, options_.retention_rows,
                                       kPruneChunk);
        });
        if (pruned > 0) logger_.Debug("watch_log_pruned", {{"changes", pruned}});
      }
      if (!Wait()) break;
    } catch (const std::exception& error) {
      if (listener_) listener_->healthy = false;
      listener_.reset();
      const Clock::time_point now = Clock::now();
      if (!in_outage_) {
        in_outage_ = true;
        outage_since_ = now;
        logger_.Warn("watch_database_unavailable", {{"error", error.what()}});
      }
      if (now - outage_since_ >= kOutageGrace) {
        EndAll(MakeStatus(grpc::StatusCode::UNAVAILABLE,
                          "the database is not available: watch again with your last "
                          "resume_token",
                          "DATABASE_UNAVAILABLE"),
               "database_unavailable");
      }
      pollfd wake{wake_fd_, POLLIN, 0};
      poll(&wake, 1, static_cast<int>(kReconnectDelay.count()));
    }
  }
  listener_.reset();
  const std::lock_guard lock(mutex_);
  first_attempt_done_ = true;  // stopped before any attempt: Start must not wait
  first_attempt_.notify_all();
}

void WatchHub::Connect() {
  auto listener = std::make_unique<Listener>();
  listener->connection = pool_.OpenUnpooled();
  if (listener->connection->session_state()) {
    // A statement stuck on a lock must not hold up live delivery (or
    // shutdown, which waits for this thread) for long.
    pqxx::nontransaction(*listener->connection).exec(kHubTimeouts);
  }
  // LISTEN first: a change committed after the state read below is notified.
  if (listen_) {
    listener->receiver =
        std::make_unique<Listener::Receiver>(*listener->connection, store::changes::kChannel);
  }
  listener_ = std::move(listener);
  last_fetch_ = {};  // what other servers numbered while this one was away: read it now
  Resync();
}

void WatchHub::Resync() {
  const store::changes::LogState state =
      Run([](db::Transaction& txn) { return store::changes::ReadState(txn); });
  std::vector<std::shared_ptr<WatchStream>> streams;
  {
    const std::lock_guard lock(mutex_);
    if (head_ >= 0 && epoch_ == state.epoch) return;  // a reconnect: carry on from head_
    head_ = state.head;
    epoch_ = state.epoch;
    streams = streams_;
  }
  for (const auto& stream : streams) {
    const std::string epoch = stream->epoch();
    if (!epoch.empty() && epoch != state.epoch) {
      stream->End(MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                             "the change log was reset (TRUNCATE or a restore): watch again "
                             "without a resume_token",
                             "TOKEN_EXPIRED"),
                  "log_reset");
    } else {
      stream->MissedLive(state.head);
    }
  }
}

void WatchHub::Restart() {
  {
    const std::lock_guard lock(mutex_);
    head_ = -1;
  }
  Resync();
}

void WatchHub::NoteSequencerRun(int64_t numbered) {
  const Clock::time_point now = Clock::now();
  last_sequence_ = now;
  // A full run leaves more behind it: the next one comes at once.
  next_sequence_ = numbered == kSequenceSize ? now : now + options_.poll_interval;
  if (numbered >= 0) {
    sequencer_busy_since_.reset();
  } else if (!sequencer_busy_since_) {
    sequencer_busy_since_ = now;
  } else if (now - *sequencer_busy_since_ >= kSequencerStuck) {
    // Every run since found another in progress: a session holds the
    // sequencer's lock (a transaction left open in psql?), and no change
    // reaches any watcher meanwhile.
    logger_.Warn(
        "watch_sequencer_busy",
        {{"seconds",
          std::chrono::duration_cast<std::chrono::seconds>(now - *sequencer_busy_since_).count()}});
    sequencer_busy_since_ = now;
  }
}

bool WatchHub::DrainNotifications() {
  // Throws pqxx::broken_connection when the server went away.
  return listener_->receiver && listener_->connection->get_notifs() > 0;
}

bool WatchHub::Wait() {
  bool live = false;
  {
    const std::lock_guard lock(mutex_);
    live = !streams_.empty();
  }
  // With streams to feed, the hub numbers and reads the log once per batch
  // window (what commits within it goes out together, in fewer and larger
  // writes to each stream), and at once when another server's run has
  // numbered something. Without, it numbers what the Prisma app and psql
  // write once per poll interval, and other servers' runs can wait.
  const int socket = live && listener_->receiver ? listener_->connection->sock() : -1;
  if (live) next_sequence_ = std::min(next_sequence_, last_sequence_ + options_.batch_window);
  const auto wait = next_sequence_ - Clock::now();
  // Notifications that arrived during the last statements wait in libpq.
  notified_ = DrainNotifications();
  if (!notified_ && wait > Clock::duration::zero()) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
    poll(fds, socket >= 0 ? 2 : 1,
         static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count()));
  }
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t drained = read(wake_fd_, &count, sizeof count);
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
  }
  notified_ = DrainNotifications() || notified_;
  return true;
}

void WatchHub::Fetch() {
  last_fetch_ = Clock::now();
  while (true) {
    std::vector<std::string> filters;
    int64_t from = 0;
    std::string epoch;
    {
      const std::lock_guard lock(mutex_);
      for (const auto& [filter, count] : filters_) filters.push_back(filter);
      from = head_;
      epoch = epoch_;
    }
    if (filters.empty()) {
      // No stream to feed: where the log stands is all the hub needs.
      const store::changes::LogState state =
          Run([](db::Transaction& txn) { return store::changes::ReadState(txn); });
      if (state.epoch != epoch) {
        Restart();
        return;
      }
      std::vector<std::shared_ptr<WatchStream>> streams;
      {
        const std::lock_guard lock(mutex_);
        head_ = std::max(head_, state.head);
        streams = streams_;
      }
      // Streams that registered since: they read this stretch themselves.
      for (const auto& stream : streams) stream->MissedLive(state.head);
      return;
    }
    std::vector<std::string> conditions;
    std::vector<std::string> parameters;
    for (const std::string& filter : filters) {
      // Checked when its stream began: it compiles.
      query::SqlCondition condition =
          query::CompileTaskFilter(filter, 3 + static_cast<int>(parameters.size()));
      conditions.push_back(std::move(condition.sql));
      parameters.insert(parameters.end(), condition.parameters.begin(), condition.parameters.end());
    }
    const store::changes::ChangeBatch batch = Run([&](db::Transaction& txn) {
      return store::changes::Read(txn, from, kFetchSize, conditions, parameters);
    });
    if (batch.state.pruned_through > from) {
      // Another server pruned what this one had not read (it fell more than
      // the retention behind): its live streams cannot go on without a gap.
      logger_.Warn("watch_fell_behind_retention",
                   {{"head", from}, {"pruned_through", batch.state.pruned_through}});
      EndAll(MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                        "the server fell behind the change log's retention: watch again without "
                        "a resume_token",
                        "TOKEN_EXPIRED"),
             "token_expired");
    }
    if (batch.state.epoch != epoch || batch.state.pruned_through > from) {
      // TRUNCATE, a restore, or the above: start again from where the log stands.
      Restart();
      return;
    }
    Deliver(batch, filters);
    if (static_cast<int>(batch.changes.size()) < kFetchSize) return;
  }
}

void WatchHub::Deliver(const store::changes::ChangeBatch& batch,
                       const std::vector<std::string>& filters) {
  if (batch.changes.empty()) return;
  const int64_t covered = batch.changes.back().seq;
  std::vector<std::shared_ptr<WatchStream>> streams;
  std::string epoch;
  {
    // Streams that register after this get covered as their starting point.
    const std::lock_guard lock(mutex_);
    head_ = covered;
    streams = streams_;
    epoch = epoch_;
  }
  std::map<std::string, size_t> view_of;
  for (size_t i = 0; i < filters.size(); ++i) view_of.emplace(filters[i], i);
  std::vector<std::string> tokens;
  tokens.reserve(batch.changes.size());
  for (const auto& change : batch.changes) tokens.push_back(EncodeToken({epoch, change.seq, {}}));
  // Each event is encoded once per (filter, read mask), whatever the streams.
  std::map<std::pair<size_t, model::FieldSet>, std::shared_ptr<const ViewBatch>> encoded;
  const auto batch_for = [&](size_t view, model::FieldSet fields) {
    auto [entry, fresh] = encoded.try_emplace({view, fields});
    if (!fresh) return entry->second;
    std::vector<Event> events;
    for (size_t i = 0; i < batch.changes.size(); ++i) {
      const store::changes::Change& change = batch.changes[i];
      const auto type = EventType(change, change.before_matches[view], change.after_matches[view]);
      if (!type) continue;
      const store::TaskRow& task = change.after ? *change.after : *change.before;
      events.push_back(
          MakeEvent(*type, &task, fields, tokens[i], change.seq, change.committed_at_micros));
    }
    entry->second = std::make_shared<const ViewBatch>(Combine(std::move(events)));
    return entry->second;
  };
  for (const auto& stream : streams) {
    const auto view = view_of.find(stream->filter());
    if (view == view_of.end()) {
      stream->MissedLive(covered);
      continue;
    }
    stream->DeliverLive(batch_for(view->second, stream->fields()), covered);
  }
}

}  // namespace photoflow::api::watch
