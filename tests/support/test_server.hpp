#pragma once

#include <memory>
#include <sstream>
#include <string>

#include <grpcpp/channel.h>

#include "app/photoflow_server.hpp"
#include "config/config.hpp"
#include "log/logger.hpp"
#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/test_database.hpp"

namespace photoflow::testing {

// The configuration a test server gets for `database_url`: loopback, port 0.
config::Config TestConfig(const std::string& database_url);

// An in-process photoflow server on a loopback port, with client stubs over a
// real gRPC channel.
class TestServer {
 public:
  explicit TestServer(const config::Config& config);
  explicit TestServer(const TestSchema& schema) : TestServer(TestConfig(schema.url())) {}
  ~TestServer();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  v1::TaskService::Stub& tasks() { return *tasks_; }
  v1::CommentService::Stub& comments() { return *comments_; }
  app::PhotoflowServer& server() { return *server_; }

 private:
  std::ostringstream log_output_;
  log::Logger logger_;
  std::unique_ptr<app::PhotoflowServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::CommentService::Stub> comments_;
};

}  // namespace photoflow::testing
