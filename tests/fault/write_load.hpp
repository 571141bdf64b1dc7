#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/test_database.hpp"

namespace photoflow {

// Writers that create tasks (every other one with a request_id) and comments
// on a few seed tasks against a server, each on its own connection, and
// remember every call's outcome; Verify then holds the database to them.
class WriteLoad {
 public:
  using Clock = std::chrono::steady_clock;

  // Titles and texts are `label` + writer + sequence, unique per load.
  WriteLoad(std::string label, std::string target, std::vector<int32_t> comment_tasks, int writers,
            std::chrono::milliseconds deadline);
  ~WriteLoad();
  WriteLoad(const WriteLoad&) = delete;
  WriteLoad& operator=(const WriteLoad&) = delete;

  // Waits until `count` calls in all have succeeded (failed); false on timeout.
  bool WaitForOk(std::size_t count, std::chrono::milliseconds timeout);
  bool WaitForFailures(std::size_t count, std::chrono::milliseconds timeout);
  // Waits until a call that ended after `when` has succeeded.
  bool WaitForOkAfter(Clock::time_point when, std::chrono::milliseconds timeout);
  // When the first call that ended after `when` succeeded (max() if none).
  Clock::time_point FirstOkAfter(Clock::time_point when);

  std::size_t ok();
  std::size_t failures();
  std::map<grpc::StatusCode, std::size_t> CodeCounts();
  std::string Summary();

  // Stops the writers and waits for their calls to end.
  void Stop();

  struct Check {
    std::size_t acknowledged = 0;  // acknowledged writes, each found as acknowledged
    std::size_t refused = 0;       // writes answered "changed nothing", each absent
    std::size_t in_doubt = 0;      // writes whose outcome the answer left open
    std::string problems;          // empty when everything holds
  };
  // Holds the schema to the outcomes (after Stop): every acknowledged task
  // and comment exists as acknowledged; a write refused with a code that
  // promises no change (docs/api.md: all but UNKNOWN, DEADLINE_EXCEEDED,
  // CANCELLED) is absent, UNAVAILABLE only when `not_written` holds it (not
  // when the server was killed), CANCELLED only when `not_written` holds it
  // (calls gRPC cancels at shutdown before the service saw them); nothing
  // exists twice; every task's comment counter equals its comments; every
  // request id names an existing task or comment.
  Check Verify(const testing::TestSchema& schema, const std::set<grpc::StatusCode>& not_written);

 private:
  struct Outcome {
    bool comment = false;
    std::string text;  // the task's title or the comment's text: unique
    grpc::StatusCode code = grpc::StatusCode::OK;
    int32_t id = 0;
    Clock::time_point ended;
  };

  void Write(int writer);
  void Record(Outcome outcome);

  const std::string label_;
  const std::string target_;
  const std::vector<int32_t> comment_tasks_;
  const std::chrono::milliseconds deadline_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<Outcome> outcomes_;
  std::size_t ok_ = 0;
  std::vector<std::thread> writers_;
};

}  // namespace photoflow
