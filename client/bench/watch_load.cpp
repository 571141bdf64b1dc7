#include "watch_load.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iomanip>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/generic/generic_stub.h>
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

// What a watcher needs of each event: its type and commit time.
struct EventStamp {
  int type = 0;
  int64_t committed_micros = 0;  // 0: none (EXISTING, CURRENT)
};

// Skips the field whose tag was just read; false on malformed input.
bool SkipField(google::protobuf::io::CodedInputStream& in, uint32_t tag) {
  switch (tag & 7) {
    case 0: {
      uint64_t ignored = 0;
      return in.ReadVarint64(&ignored);
    }
    case 1:
      return in.Skip(8);
    case 2: {
      uint32_t length = 0;
      return in.ReadVarint32(&length) && in.Skip(static_cast<int>(length));
    }
    case 5:
      return in.Skip(4);
    default:
      return false;
  }
}

// The events of one serialized WatchTasksResponse, read without building
// messages: a load generator must cost little beside the server it measures
// (parsing 500,000 full events a second took a whole core of this machine).
bool ScanEvents(const std::string& bytes, std::vector<EventStamp>* events) {
  events->clear();
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    if (tag != ((v1::WatchTasksResponse::kEventsFieldNumber << 3) | 2)) {
      if (!SkipField(in, tag)) return false;
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    const auto event_limit = in.PushLimit(static_cast<int>(length));
    EventStamp event;
    for (uint32_t field = in.ReadTag(); field != 0; field = in.ReadTag()) {
      if (field == ((v1::TaskEvent::kTypeFieldNumber << 3) | 0)) {
        uint32_t type = 0;
        if (!in.ReadVarint32(&type)) return false;
        event.type = static_cast<int>(type);
      } else if (field == ((v1::TaskEvent::kCommitTimeFieldNumber << 3) | 2)) {
        uint32_t time_length = 0;
        if (!in.ReadVarint32(&time_length)) return false;
        const auto time_limit = in.PushLimit(static_cast<int>(time_length));
        uint64_t seconds = 0;
        uint32_t nanos = 0;
        for (uint32_t part = in.ReadTag(); part != 0; part = in.ReadTag()) {
          if (part == ((1 << 3) | 0)) {
            if (!in.ReadVarint64(&seconds)) return false;
          } else if (part == ((2 << 3) | 0)) {
            if (!in.ReadVarint32(&nanos)) return false;
          } else if (!SkipField(in, part)) {
            return false;
          }
        }
        in.PopLimit(time_limit);
        event.committed_micros = static_cast<int64_t>(seconds) * 1'000'000 + nanos / 1000;
      } else if (!SkipField(in, field)) {
        return false;
      }
    }
    in.PopLimit(event_limit);
    events->push_back(event);
  }
  return true;
}

// One WatchTasks stream on gRPC's callback API, raw (the generic stub): reads
// for ever, and while measuring keeps each change event's delay.
class Watcher final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Watcher(Connection& connection, Shared& shared, const std::string& resume_token)
      : shared_(shared) {
    client::AddToken(context_, connection.token);
    v1::WatchTasksRequest request;
    request.set_resume_token(resume_token);
    grpc::Slice slice(request.SerializeAsString());
    request_ = grpc::ByteBuffer(&slice, 1);
    connection.generic->PrepareBidiStreamingCall(&context_, "/photoflow.v1.TaskService/WatchTasks",
                                                 grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const int64_t now = NowMicros();
    std::vector<grpc::Slice> slices;
    bytes_.clear();
    if (response_.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes_.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    if (!ScanEvents(bytes_, &events_)) {
      context_.TryCancel();
      return;
    }
    const bool measuring = shared_.measuring.load(std::memory_order_relaxed);
    for (const EventStamp& event : events_) {
      if (event.type == v1::TaskEvent::CURRENT && !current_) {
        current_ = true;
        const std::lock_guard lock(shared_.mutex);
        ++shared_.current;
        shared_.changed.notify_all();
      }
      if (event.committed_micros == 0 || !measuring) continue;
      delays_.push_back(static_cast<uint32_t>(std::max<int64_t>(0, now - event.committed_micros)));
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
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::string bytes_;               // the response, contiguous (capacity kept)
  std::vector<EventStamp> events_;  // its events (capacity kept)
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
