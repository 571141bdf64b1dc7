#include "load.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "shared/status_code_name.hpp"

namespace photoflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The closed loop: each slot starts its next call from the previous call's
// completion callback, so no thread of ours waits on a call.
class Loop {
 public:
  struct Limits {
    std::optional<Clock::time_point> measure_from;
    std::optional<Clock::time_point> stop_at;
    uint64_t max_calls = UINT64_MAX;
  };

  Loop(const Options& options, std::string scenario,
       std::vector<std::unique_ptr<Connection>>& connections, const Board& board)
      : options_(options), scenario_(std::move(scenario)), board_(board) {
    for (const auto& [name, weight] : options.mix) {
      if (weight <= 0) continue;
      weights_.emplace_back(name, weight);
      total_weight_ += weight;
    }
    for (int i = 0; i < options.in_flight; ++i) {
      auto state = std::make_unique<SlotState>();
      state->slot.random.seed(0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(i + 1));
      state->connection = connections[static_cast<size_t>(i) % connections.size()].get();
      slots_.push_back(std::move(state));
    }
  }

  void Start(const Limits& limits) {
    limits_ = limits;
    running_ = static_cast<int>(slots_.size());
    for (auto& state : slots_) Next(*state);
  }

  void Stop() { stopping_ = true; }

  // Waits until every slot has finished its last call.
  void Drain() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return running_ == 0; });
  }

  Progress progress(Clock::time_point started) const {
    return {std::chrono::duration<double>(Clock::now() - started).count(), completed_.load(),
            failed_.load()};
  }

  // After Drain.
  LoadResult Collect(double seconds) const {
    LoadResult result;
    result.scenario = options_.scenario;
    result.in_flight = options_.in_flight;
    result.channels = options_.channels;
    result.seconds = seconds;
    std::array<uint64_t, 17> codes{};
    for (const auto& state : slots_) {
      result.latencies_us.insert(result.latencies_us.end(), state->latencies_us.begin(),
                                 state->latencies_us.end());
      for (size_t code = 0; code < codes.size(); ++code) codes[code] += state->codes[code];
    }
    std::sort(result.latencies_us.begin(), result.latencies_us.end());
    result.calls = result.latencies_us.size();
    result.ok = codes[0];
    for (size_t code = 1; code < codes.size(); ++code) {
      if (codes[code] > 0)
        result.errors[client::StatusCodeName(static_cast<grpc::StatusCode>(code))] = codes[code];
    }
    return result;
  }

 private:
  struct SlotState {
    Slot slot;
    Connection* connection = nullptr;
    Clock::time_point started;
    std::vector<uint32_t> latencies_us;  // this slot's calls only: no lock needed
    std::array<uint64_t, 17> codes{};
  };

  const std::string& PickScenario(Slot& slot) const {
    if (scenario_ != "mixed") return scenario_;
    int ticket = static_cast<int>(slot.random() % static_cast<uint64_t>(total_weight_));
    for (const auto& [name, weight] : weights_) {
      if (ticket < weight) return name;
      ticket -= weight;
    }
    return weights_.back().first;
  }

  void Next(SlotState& state) {
    const bool over = stopping_ || issued_.fetch_add(1) >= limits_.max_calls ||
                      (limits_.stop_at && Clock::now() >= *limits_.stop_at);
    if (over) {
      const std::lock_guard lock(mutex_);
      if (--running_ == 0) idle_.notify_all();
      return;
    }
    state.started = Clock::now();
    StartCall(PickScenario(state.slot), board_, *state.connection, state.slot, options_.deadline,
              [this, &state](const grpc::Status& status) {
                Record(state, status);
                Next(state);
              });
  }

  void Record(SlotState& state, const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    ++completed_;
    if (!status.ok()) ++failed_;
    // A call counts in the window it ends in: throughput is what completes
    // per second, and the slowest calls (which straddle the window's start
    // most often) are not left out of the percentiles and error counts.
    const bool measured = (!limits_.measure_from || now >= *limits_.measure_from) &&
                          (!limits_.stop_at || now <= *limits_.stop_at);
    if (!measured) return;
    state.latencies_us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - state.started).count()));
    const auto code = static_cast<size_t>(status.error_code());
    ++state.codes[code < state.codes.size() ? code : 2];
  }

  const Options& options_;
  const std::string scenario_;
  const Board& board_;
  std::vector<std::pair<std::string, int>> weights_;
  int total_weight_ = 0;
  std::vector<std::unique_ptr<SlotState>> slots_;
  Limits limits_;
  std::atomic<bool> stopping_ = false;
  std::atomic<uint64_t> issued_ = 0;
  std::atomic<uint64_t> completed_ = 0;
  std::atomic<uint64_t> failed_ = 0;
  std::mutex mutex_;
  std::condition_variable idle_;
  int running_ = 0;
};

}  // namespace

LoadResult RunLoad(const Options& options, std::vector<std::unique_ptr<Connection>>& connections,
                   const Board& board, const ProgressSink& progress) {
  Loop loop(options, options.scenario, connections, board);
  const Clock::time_point started = Clock::now();
  const Clock::time_point measure_from = started + options.warmup;
  const Clock::time_point stop_at = measure_from + options.duration;
  loop.Start({.measure_from = measure_from, .stop_at = stop_at, .max_calls = UINT64_MAX});
  // Reports progress while the calls run on gRPC's threads.
  for (Clock::time_point next = started + std::chrono::seconds(1); next < stop_at;
       next += std::chrono::seconds(1)) {
    std::this_thread::sleep_until(next);
    if (progress) progress(loop.progress(started));
  }
  std::this_thread::sleep_until(stop_at);
  loop.Stop();
  loop.Drain();
  LoadResult result = loop.Collect(std::chrono::duration<double>(options.duration).count());
  result.all_calls = loop.progress(started).completed;
  return result;
}

uint64_t RunCount(const Options& options, const std::string& scenario, uint64_t count,
                  std::vector<std::unique_ptr<Connection>>& connections, const Board& board) {
  Loop loop(options, scenario, connections, board);
  loop.Start({.measure_from = std::nullopt, .stop_at = std::nullopt, .max_calls = count});
  loop.Drain();
  const LoadResult result = loop.Collect(0);
  return result.calls - result.ok;
}

std::vector<int32_t> ReadTaskIds(Connection& connection, int max,
                                 std::chrono::milliseconds deadline) {
  std::vector<int32_t> ids;
  v1::ListTasksRequest request;
  request.set_page_size(1000);
  request.set_order_by("id");
  request.mutable_read_mask()->add_paths("id");
  while (static_cast<int>(ids.size()) < max) {
    const auto context = connection.NewContext(deadline);
    v1::ListTasksResponse page;
    const grpc::Status status = connection.tasks->ListTasks(context.get(), request, &page);
    if (!status.ok()) {
      throw std::runtime_error("ListTasks failed: " + status.error_message().substr(0, 200));
    }
    for (const v1::Task& task : page.tasks()) {
      if (static_cast<int>(ids.size()) < max) ids.push_back(task.id());
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ids;
}

std::string ListPageToken(Connection& connection, int page, std::chrono::milliseconds deadline) {
  std::string token;
  for (int walked = 1; walked < page; ++walked) {
    v1::ListTasksRequest request;
    SetUnfinishedByDueDate(request, token);
    request.mutable_read_mask()->add_paths("id");
    const auto context = connection.NewContext(deadline);
    v1::ListTasksResponse response;
    const grpc::Status status = connection.tasks->ListTasks(context.get(), request, &response);
    if (!status.ok()) {
      throw std::runtime_error("ListTasks failed: " + status.error_message().substr(0, 200));
    }
    if (response.next_page_token().empty()) {
      throw std::runtime_error("the board has only " + std::to_string(walked) +
                               " pages of unfinished tasks; --page " + std::to_string(page) +
                               " needs more");
    }
    token = response.next_page_token();
  }
  return token;
}

bool WaitUntilServing(Connection& connection, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::system_clock::now() + timeout;
  grpc::Slice empty{std::string()};
  const grpc::ByteBuffer request(&empty, 1);
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(give_up);
    context.set_wait_for_ready(true);  // waits for the server to listen
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<grpc::Status> result;
    grpc::ByteBuffer response;
    connection.generic->UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                                  &request, &response, [&](const grpc::Status& status) {
                                    const std::lock_guard lock(mutex);
                                    result = status;
                                    answered.notify_all();
                                  });
    std::unique_lock lock(mutex);
    answered.wait(lock, [&] { return result.has_value(); });
    if (!result->ok()) return false;
    // HealthCheckResponse{status: SERVING} is field 1 = 1: bytes 08 01.
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    if (bytes == std::string("\x08\x01", 2)) return true;
    if (std::chrono::system_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // NOT_SERVING: ask again soon
  }
}

}  // namespace photoflow::bench
