#pragma once

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "support/test_database.hpp"
#include "support/test_server.hpp"

namespace photoflow::testing {

// A fresh schema and an in-process server for each test.
class ApiTest : public ::testing::Test {
 public:
  static v1::Task SampleTask(const std::string& title = "Wedding Photography - Smith Family") {
    v1::Task task;
    task.mutable_due_at()->set_seconds(1773532800);  // 2026-03-15T00:00:00Z
    task.mutable_due_at()->set_nanos(250'000'000);
    task.set_title(title);
    task.set_additional_information("Outdoor ceremony, 100 guests");
    task.set_status("Scheduled");
    return task;
  }

  // True when `timestamp` is within a minute of this machine's clock (the
  // database runs here too): catches time-zone shifts in stored defaults.
  static bool IsRecent(const google::protobuf::Timestamp& timestamp) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return std::abs(timestamp.seconds() - now) < 60;
  }

 protected:
  // Every call gets a deadline, so a hang fails the test instead of the run.
  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  v1::Task CreateTask(const v1::Task& task) {
    v1::CreateTaskRequest request;
    *request.mutable_task() = task;
    v1::Task created;
    const grpc::Status status = server_.tasks().CreateTask(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Comment CreateComment(int32_t task_id, const std::string& text) {
    v1::CreateCommentRequest request;
    request.mutable_comment()->set_task_id(task_id);
    request.mutable_comment()->set_text(text);
    v1::Comment created;
    const grpc::Status status =
        server_.comments().CreateComment(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status GetTask(int32_t id, v1::Task* task) {
    v1::GetTaskRequest request;
    request.set_id(id);
    return server_.tasks().GetTask(Context().get(), request, task);
  }

  TestSchema schema_;
  TestServer server_{schema_};
};

}  // namespace photoflow::testing
