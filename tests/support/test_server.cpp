#include "support/test_server.hpp"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace photoflow::testing {

config::Config TestConfig(const std::string& database_url) {
  config::ParsedCommandLine parsed =
      config::ParseCommandLine({"--database-url", database_url, "--listen", "127.0.0.1:0",
                                "--metrics-listen", "127.0.0.1:0"},
                               [](std::string_view) { return std::nullopt; });
  return parsed.config;
}

TestServer::TestServer(const config::Config& config)
    : logger_(log_output_, log::Level::kInfo),
      server_(std::make_unique<app::PhotoflowServer>(config, logger_)) {
  server_->Start();
  channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                 grpc::InsecureChannelCredentials());
  tasks_ = v1::TaskService::NewStub(channel_);
  comments_ = v1::CommentService::NewStub(channel_);
}

TestServer::~TestServer() { server_->Shutdown(std::chrono::seconds(5)); }

}  // namespace photoflow::testing
