#include "fault/write_load.hpp"

#include <cstdio>
#include <random>
#include <set>
#include <sstream>

#include <grpcpp/create_channel.h>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"

namespace photoflow {
namespace {

std::string RandomUuid(std::mt19937_64& random) {
  const uint64_t high = (random() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const uint64_t low = (random() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                static_cast<unsigned long long>(high & 0xFFFF),
                static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

// Whether `code` says the call changed nothing (docs/api.md, Errors):
// UNKNOWN, DEADLINE_EXCEEDED and CANCELLED leave the outcome open, and
// UNAVAILABLE too when the server itself went away; `not_written` holds the
// ones this test knows to be harmless.
bool PromisesNoChange(grpc::StatusCode code, const std::set<grpc::StatusCode>& not_written) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return false;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      return not_written.contains(code);
    default:
      return true;
  }
}

}  // namespace

WriteLoad::WriteLoad(std::string label, std::string target, std::vector<int32_t> comment_tasks,
                     int writers, std::chrono::milliseconds deadline)
    : label_(std::move(label)),
      target_(std::move(target)),
      comment_tasks_(std::move(comment_tasks)),
      deadline_(deadline) {
  writers_.reserve(writers);
  for (int writer = 0; writer < writers; ++writer) {
    writers_.emplace_back([this, writer] { Write(writer); });
  }
}

WriteLoad::~WriteLoad() { Stop(); }

void WriteLoad::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& writer : writers_) {
    if (writer.joinable()) writer.join();
  }
}

void WriteLoad::Write(int writer) {
  grpc::ChannelArguments arguments;
  arguments.SetInt("photoflow.test.writer", writer);  // a connection of its own
  const auto channel =
      grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(), arguments);
  const auto tasks = v1::TaskService::NewStub(channel);
  const auto comments = v1::CommentService::NewStub(channel);
  std::mt19937_64 random(std::random_device{}());
  for (int sequence = 0;; ++sequence) {
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    Outcome outcome;
    outcome.comment = sequence % 2 == 1;
    outcome.text = label_ + std::to_string(writer) + "-" + std::to_string(sequence);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline_);
    grpc::Status status;
    if (outcome.comment) {
      v1::CreateCommentRequest request;
      request.mutable_comment()->set_task_id(
          comment_tasks_[static_cast<std::size_t>(sequence / 2) % comment_tasks_.size()]);
      request.mutable_comment()->set_text(outcome.text);
      v1::Comment created;
      status = comments->CreateComment(&context, request, &created);
      outcome.id = created.id();
    } else {
      v1::CreateTaskRequest request;
      request.mutable_task()->set_title(outcome.text);
      request.mutable_task()->set_status("New");
      request.mutable_task()->mutable_due_at()->set_seconds(1'900'000'000 + sequence);
      if (sequence % 4 == 0) request.set_request_id(RandomUuid(random));
      v1::Task created;
      status = tasks->CreateTask(&context, request, &created);
      outcome.id = created.id();
    }
    outcome.code = status.error_code();
    outcome.ended = Clock::now();
    const bool failed = !status.ok();
    Record(std::move(outcome));
    if (failed) {
      // A client's backoff, so that a server that fails fast is not spun on;
      // Stop cuts it short.
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(10), [this] { return stopping_; });
    }
  }
}

void WriteLoad::Record(Outcome outcome) {
  {
    const std::lock_guard lock(mutex_);
    if (outcome.code == grpc::StatusCode::OK) ++ok_;
    outcomes_.push_back(std::move(outcome));
  }
  changed_.notify_all();
}

bool WriteLoad::WaitForOk(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return ok_ >= count; });
}

bool WriteLoad::WaitForFailures(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return outcomes_.size() - ok_ >= count; });
}

bool WriteLoad::WaitForOkAfter(Clock::time_point when, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (auto it = outcomes_.rbegin(); it != outcomes_.rend() && it->ended > when; ++it) {
      if (it->code == grpc::StatusCode::OK) return true;
    }
    return false;
  });
}

WriteLoad::Clock::time_point WriteLoad::FirstOkAfter(Clock::time_point when) {
  const std::lock_guard lock(mutex_);
  Clock::time_point first = Clock::time_point::max();
  for (const Outcome& outcome : outcomes_) {
    if (outcome.code == grpc::StatusCode::OK && outcome.ended > when) {
      first = std::min(first, outcome.ended);
    }
  }
  return first;
}

std::size_t WriteLoad::ok() {
  const std::lock_guard lock(mutex_);
  return ok_;
}

std::size_t WriteLoad::failures() {
  const std::lock_guard lock(mutex_);
  return outcomes_.size() - ok_;
}

std::map<grpc::StatusCode, std::size_t> WriteLoad::CodeCounts() {
  const std::lock_guard lock(mutex_);
  std::map<grpc::StatusCode, std::size_t> counts;
  for (const Outcome& outcome : outcomes_) ++counts[outcome.code];
  return counts;
}

std::string WriteLoad::Summary() {
  std::ostringstream out;
  out << "calls by code:";
  for (const auto& [code, count] : CodeCounts()) out << " " << code << "=" << count;
  return out.str();
}

WriteLoad::Check WriteLoad::Verify(const testing::TestSchema& schema,
                                   const std::set<grpc::StatusCode>& not_written) {
  Stop();
  auto connection = schema.Connect();
  pqxx::nontransaction work(*connection);
  std::map<std::string, std::vector<int32_t>> stored;  // "t:" / "c:" + text -> ids
  for (const pqxx::row& row : work.exec("SELECT id, task FROM \"Tasks\"")) {
    stored["t:" + row[1].as<std::string>()].push_back(row[0].as<int32_t>());
  }
  for (const pqxx::row& row : work.exec("SELECT id, comment FROM task_comments")) {
    stored["c:" + row[1].as<std::string>()].push_back(row[0].as<int32_t>());
  }
  Check check;
  std::ostringstream problems;
  std::set<std::string> written;
  for (const Outcome& outcome : outcomes_) {
    const std::string key = (outcome.comment ? "c:" : "t:") + outcome.text;
    written.insert(key);
    const auto found = stored.find(key);
    const std::size_t copies = found == stored.end() ? 0 : found->second.size();
    if (copies > 1) problems << key << " is stored " << copies << " times\n";
    if (outcome.code == grpc::StatusCode::OK) {
      ++check.acknowledged;
      if (copies == 0 || found->second.front() != outcome.id) {
        problems << key << " was acknowledged with id " << outcome.id << " but is "
                 << (copies == 0 ? "missing" : "stored under another id") << "\n";
      }
    } else if (PromisesNoChange(outcome.code, not_written)) {
      ++check.refused;
      if (copies != 0) problems << key << " ended " << outcome.code << " but was written\n";
    } else {
      ++check.in_doubt;
    }
  }
  for (const auto& [key, ids] : stored) {
    const bool ours = key.substr(2).starts_with(label_);
    if (ours && !written.contains(key)) {
      problems << key << " is stored but was never sent\n";
    }
  }
  const auto counters = work.exec1(
                                "SELECT count(*) FROM \"Tasks\" t WHERE amount_of_comments "
                                "<> (SELECT count(*) FROM task_comments c "
                                "WHERE c.task_id = t.id)")[0]
                            .as<std::string>();
  if (counters != "0") problems << counters << " tasks' comment counters are wrong\n";
  const auto dangling =
      work.exec1(
              "SELECT count(*) FROM photoflow_request_ids r WHERE NOT EXISTS "
              "(SELECT 1 FROM \"Tasks\" t WHERE t.id = r.resource_id) AND NOT EXISTS "
              "(SELECT 1 FROM task_comments c WHERE c.id = r.resource_id)")[0]
          .as<std::string>();
  if (dangling != "0") problems << dangling << " request ids name nothing that exists\n";
  check.problems = problems.str();
  return check;
}

}  // namespace photoflow
