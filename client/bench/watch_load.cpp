#include "watch_load.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iomanip>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <grpcpp/support/client_callback.h>

#include "report.hpp"

namespace photoflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What every watcher reports to.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  int current = 0;  // watchers past their initial state
  int done = 0;     // watchers whose call has ended
  std::map<std::string, uint64_t> ends;
  std::atomic<bool> measuring{false};
};

// One WatchTasks stream on gRPC's callback API: reads for ever, and while
// measuring keeps each change event's delay.
class Watcher final : public grpc::ClientReadReactor<v1::WatchTasksResponse> {
 public:
  Watcher(Connection& connection, Shared& shared, const std::string& resume_token)
      : shared_(shared) {
    client::AddToken(context_, connection.token);
    request_.set_resume_token(resume_token);
    connection.tasks->async()->WatchTasks(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const int64_t now = NowMicros();
    for (const v1::TaskEvent& event : response_.events()) {
      if (event.type() == v1::TaskEvent::CURRENT && !current_) {
        current_ = true;
        const std::lock_guard lock(shared_.mutex);
        ++shared_.current;
        shared_.changed.notify_all();
      }
      if (!event.has_commit_time() || !shared_.measuring.load(std::memory_order_relaxed)) continue;
      const int64_t committed =
          event.commit_time().seconds() * 1'000'000 + event.commit_time().nanos() / 1000;
      delays_.push_back(static_cast<uint32_t>(std::max<int64_t>(0, now - committed)));
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    const std::lock_guard lock(shared_.mutex);
    if (!cancelled_.load()) ++shared_.ends[std::to_string(status.error_code())];
    ++shared_.done;
    shared_.changed.notify_all();
  }

  void Cancel() {
    cancelled_ = true;
    context_.TryCancel();
  }

  std::vector<uint32_t>& delays() { return delays_; }

 private:
  Shared& shared_;
  grpc::ClientContext context_;
  v1::WatchTasksRequest request_;
  v1::WatchTasksResponse response_;
  bool current_ = false;
  std::atomic<bool> cancelled_{false};
  std::vector<uint32_t> delays_;  // touched by its reactions only (one at a time)
};

// UpdateTask calls at a fixed rate (open loop: a slow call does not slow the
// next one down), each on a task of the board.
class Writer {
 public:
  Writer(Connection& connection, const Board& board, const Options& options)
      : connection_(connection), board_(board), options_(options) {}

  // Writes until `until`; counts the calls that end OK after `measure_from`.
  void Run(Clock::time_point measure_from, Clock::time_point until) {
    if (options_.write_rate <= 0) return;
    const auto interval = std::chrono::nanoseconds(1'000'000'000 / options_.write_rate);
    Clock::time_point next = Clock::now();
    uint64_t n = 0;
    while (next < until) {
      std::this_thread::sleep_until(next);  // pacing the load, not synchronising a test
      auto call = std::make_shared<Call>();
      call->context = connection_.NewContext(options_.deadline);
      call->request.mutable_task()->set_id(board_.task_ids[n % board_.task_ids.size()]);
      call->request.mutable_task()->set_status(n % 2 == 0 ? "Editing" : "Scheduled");
      call->request.mutable_update_mask()->add_paths("status");
      const bool measured = next >= measure_from;
      ++in_flight_;
      connection_.tasks->async()->UpdateTask(call->context.get(), &call->request, &call->response,
                                             [this, call, measured](const grpc::Status& status) {
                                               if (measured)
                                                 (status.ok() ? ok_ : errors_).fetch_add(1);
                                               const std::lock_guard lock(mutex_);
                                               --in_flight_;
                                               drained_.notify_all();
                                             });
      ++n;
      next += interval;
    }
    std::unique_lock lock(mutex_);
    drained_.wait(lock, [this] { return in_flight_ == 0; });
  }

  uint64_t ok() const { return ok_.load(); }
  uint64_t errors() const { return errors_.load(); }

 private:
  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    v1::UpdateTaskRequest request;
    v1::Task response;
  };
  Connection& connection_;
  const Board& board_;
  const Options& options_;
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> errors_{0};
  std::mutex mutex_;
  std::condition_variable drained_;
  int in_flight_ = 0;
};

// A token for "now": the CURRENT of a view that holds nothing. Watchers that
// start from it skip the initial state (a board's every task, for each of
// them) and say CURRENT once they are live.
std::string TokenForNow(Connection& connection) {
  grpc::ClientContext context;
  client::AddToken(context, connection.token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchTasksRequest request;
  request.set_filter("id < 0");
  auto stream = connection.tasks->WatchTasks(&context, request);
  v1::WatchTasksResponse response;
  while (stream->Read(&response)) {
    for (const v1::TaskEvent& event : response.events()) {
      if (event.type() == v1::TaskEvent::CURRENT) {
        context.TryCancel();
        stream->Finish();
        return event.resume_token();
      }
    }
  }
  const grpc::Status status = stream->Finish();
  throw std::runtime_error("WatchTasks failed: " + status.error_message());
}

}  // namespace

WatchResult RunWatchLoad(const Options& options,
                         std::vector<std::unique_ptr<Connection>>& watch_connections,
                         Connection& writer_connection, const Board& board) {
  Shared shared;
  const std::string now = TokenForNow(writer_connection);
  std::vector<std::unique_ptr<Watcher>> watchers;
  watchers.reserve(static_cast<size_t>(options.watchers));
  for (int i = 0; i < options.watchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(
        *watch_connections[static_cast<size_t>(i) % watch_connections.size()], shared, now));
  }
  {
    std::unique_lock lock(shared.mutex);
    if (!shared.changed.wait_for(lock, std::chrono::seconds(120), [&] {
          return shared.current + shared.done >= options.watchers;
        })) {
      throw std::runtime_error("the watchers did not catch up within 120 s");
    }
  }
  Writer writer(writer_connection, board, options);
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from = start + options.warmup;
  const Clock::time_point until = measure_from + options.duration;
  std::thread measuring([&] {
    std::this_thread::sleep_until(measure_from);
    shared.measuring = true;
    std::this_thread::sleep_until(until);
    shared.measuring = false;
  });
  writer.Run(measure_from, until);
  measuring.join();
  for (auto& watcher : watchers) watcher->Cancel();
  {
    std::unique_lock lock(shared.mutex);
    shared.changed.wait(lock, [&] { return shared.done >= options.watchers; });
  }
  WatchResult result;
  result.watchers = options.watchers;
  result.channels = static_cast<int>(watch_connections.size());
  result.seconds = std::chrono::duration<double>(options.duration).count();
  result.writes_per_second = static_cast<double>(writer.ok()) / result.seconds;
  result.write_errors = writer.errors();
  for (auto& watcher : watchers) {
    result.delivery_us.insert(result.delivery_us.end(), watcher->delays().begin(),
                              watcher->delays().end());
  }
  std::sort(result.delivery_us.begin(), result.delivery_us.end());
  result.events = result.delivery_us.size();
  result.stream_ends = shared.ends;
  return result;
}

void PrintWatchTable(const WatchResult& result, std::ostream& out) {
  out << std::fixed << std::setprecision(2);
  out << "watchers  channels  writes/s  events/s    p50 ms   p90 ms   p99 ms   max ms   "
         "stream ends  write errors\n";
  uint64_t ends = 0;
  for (const auto& [code, count] : result.stream_ends) ends += count;
  out << std::setw(8) << result.watchers << std::setw(10) << result.channels << std::setprecision(0)
      << std::setw(10) << result.writes_per_second << std::setw(10)
      << static_cast<double>(result.events) / result.seconds << std::setprecision(2)
      << std::setw(10) << QuantileMs(result.delivery_us, 0.50) << std::setw(9)
      << QuantileMs(result.delivery_us, 0.90) << std::setw(9)
      << QuantileMs(result.delivery_us, 0.99) << std::setw(9)
      << (result.delivery_us.empty() ? 0.0 : result.delivery_us.back() / 1000.0) << std::setw(13)
      << ends << std::setw(14) << result.write_errors << "\n";
}

void PrintWatchJson(const WatchResult& result, std::ostream& out) {
  out << std::fixed << std::setprecision(3);
  out << "{\"scenario\":\"watch\",\"watchers\":" << result.watchers
      << ",\"channels\":" << result.channels << ",\"seconds\":" << result.seconds
      << ",\"writes_per_second\":" << result.writes_per_second
      << ",\"write_errors\":" << result.write_errors << ",\"events\":" << result.events
      << ",\"events_per_second\":" << static_cast<double>(result.events) / result.seconds
      << ",\"delivery_ms\":{\"p50\":" << QuantileMs(result.delivery_us, 0.50)
      << ",\"p90\":" << QuantileMs(result.delivery_us, 0.90)
      << ",\"p99\":" << QuantileMs(result.delivery_us, 0.99)
      << ",\"max\":" << (result.delivery_us.empty() ? 0.0 : result.delivery_us.back() / 1000.0)
      << "},\"stream_ends\":{";
  bool first = true;
  for (const auto& [code, count] : result.stream_ends) {
    out << (first ? "" : ",") << "\"" << code << "\":" << count;
    first = false;
  }
  out << "}}\n";
}

}  // namespace photoflow::bench
