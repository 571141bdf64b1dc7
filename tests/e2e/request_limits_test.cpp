// Limits that keep one client from hurting the rest: an oversized request is
// refused before it is read, and nothing is written.
#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace photoflow {
namespace {

v1::CreateTaskRequest TaskWithNotesOf(std::size_t bytes) {
  v1::CreateTaskRequest request;
  v1::Task* task = request.mutable_task();
  task->set_title("Wedding");
  task->set_status("New");
  task->mutable_due_at()->set_seconds(1798070400);
  task->set_additional_information(std::string(bytes, 'n'));
  return request;
}

TEST(RequestLimitsTest, ARequestOverTheDefaultMiBIsResourceExhaustedAndWritesNothing) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  v1::Task created;
  grpc::ClientContext context;
  const grpc::Status status =
      server.tasks().CreateTask(&context, TaskWithNotesOf(1100 * 1024), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST(RequestLimitsTest, TheLimitIsASetting) {
  testing::TestSchema schema;
  config::Config config = testing::TestConfig(schema.url());
  config.max_message_bytes = 4096;
  testing::TestServer server(config);
  {
    v1::Task created;
    grpc::ClientContext context;
    const grpc::Status small = server.tasks().CreateTask(&context, TaskWithNotesOf(1000), &created);
    EXPECT_TRUE(small.ok()) << small.error_message();
  }
  v1::Task created;
  grpc::ClientContext context;
  EXPECT_EQ(server.tasks().CreateTask(&context, TaskWithNotesOf(5000), &created).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "1");
}

}  // namespace
}  // namespace photoflow
