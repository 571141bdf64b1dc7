#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/support/status.h>
#include <boost/asio/any_io_executor.hpp>

#include "api/watch_options.hpp"
#include "common/watch_observer.hpp"
#include "db/pool.hpp"
#include "db/session.hpp"
#include "log/logger.hpp"
#include "store/task_changes.hpp"

namespace photoflow::api::watch {

class WatchStream;

// One per server: numbers the change log's committed changes (per task in
// commit order; store::changes::Sequence, one server at a time), listens for the
// notifications of other servers' runs on a connection of its own, reads
// each new stretch of the log once on it
// (testing every image against the filter of every stream at once, in SQL)
// and fans the events out to the live streams. Also prunes the log and sends
// bookmarks. Its loop runs on a thread of its own and blocks on PostgreSQL;
// the connection is outside the pool, so a busy pool does not delay events.
class WatchHub {
 public:
  // `timers` runs the streams' stalled-write timers.
  WatchHub(db::ConnectionPool& pool, std::string schema, bool listen, WatchOptions options,
           boost::asio::any_io_executor timers, log::Logger& logger,
           common::WatchObserver* observer = nullptr);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Starts the loop and returns once its first connection attempt is over
  // (so the hub is listening, unless PostgreSQL is down).
  void Start();
  // Ends every stream with UNAVAILABLE ("resume with your last token"),
  // refuses new ones and stops the loop. Idempotent.
  void Stop();

  // Distinct filters the live streams of one server may use at once (each
  // filter's values are parameters of the hub's read, of which PostgreSQL
  // takes 65,535 at most; a filter has up to 50).
  static constexpr size_t kMaxDistinctFilters = 500;
  // Changes one run of the sequencer numbers at most.
  static constexpr int kSequenceSize = 10'000;

  enum class Admission { kAdmitted, kStopping, kTooManyFilters };
  // The caller ends a stream that was not admitted: UNAVAILABLE when
  // stopping, RESOURCE_EXHAUSTED for one filter too many.
  Admission Register(const std::shared_ptr<WatchStream>& stream);
  void Unregister(const WatchStream* stream);

  db::ConnectionPool& pool() { return pool_; }
  const WatchOptions& options() const { return options_; }
  boost::asio::any_io_executor timers() const { return timers_; }
  log::Logger& logger() const { return logger_; }
  common::WatchObserver* observer() const { return observer_; }

 private:
  // Runs `work(db::Transaction&)` (one statement) on the hub's connection.
  template <typename Work>
  auto Run(Work&& work);
  void Loop();
  // Waits for the next run of the sequencer (the batch window while there
  // are streams, else the poll interval), a notification, or Stop; false on
  // Stop.
  bool Wait();
  // Whether notifications had arrived (they are consumed).
  bool DrainNotifications();
  // Schedules the next run after one that numbered `numbered` (-1: another
  // server's was in progress), and warns when runs keep finding one.
  void NoteSequencerRun(int64_t numbered);
  // Opens the hub's connection (LISTEN first), then Resync.
  void Connect();
  // Reads where the log stands: on a reconnect in the same epoch the hub
  // carries on from head_; else it starts there, ending the streams of an
  // older epoch and telling the others to read up to it themselves.
  void Resync();
  // Forgets head_ and resyncs (a new epoch, or a gap), on the same connection.
  void Restart();
  // Reads the log from head_ until it has caught up, delivering as it goes.
  void Fetch();
  void Deliver(const store::changes::ChangeBatch& batch, const std::vector<std::string>& filters);
  void EndAll(const grpc::Status& status, std::string_view reason);
  std::vector<std::shared_ptr<WatchStream>> Streams();

  db::ConnectionPool& pool_;
  const std::string schema_;
  const bool listen_;
  const WatchOptions options_;
  const boost::asio::any_io_executor timers_;
  log::Logger& logger_;
  common::WatchObserver* const observer_;

  std::mutex mutex_;
  std::vector<std::shared_ptr<WatchStream>> streams_;
  std::map<std::string, int> filters_;  // the streams' filters, with their counts
  int64_t head_ = -1;                   // changes up to here are delivered; -1: not yet read
  std::string epoch_;
  bool stopping_ = false;
  bool first_attempt_done_ = false;
  std::condition_variable first_attempt_;

  struct Listener;
  std::unique_ptr<Listener> listener_;  // the hub's connection; hub thread only
  int wake_fd_ = -1;                    // an eventfd: Stop wakes the loop
  std::chrono::steady_clock::time_point last_prune_;
  std::chrono::steady_clock::time_point last_fetch_;
  std::chrono::steady_clock::time_point last_sequence_;  // the sequencer's last run
  std::chrono::steady_clock::time_point next_sequence_;  // and its next, without streams
  std::optional<std::chrono::steady_clock::time_point> sequencer_busy_since_;
  bool notified_ = false;  // Wait saw a notification
  std::chrono::steady_clock::time_point outage_since_;
  bool in_outage_ = false;
  std::thread thread_;
};

}  // namespace photoflow::api::watch
