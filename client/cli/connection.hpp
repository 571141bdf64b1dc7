#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "args.hpp"
#include "grpc/health/v1/health.grpc.pb.h"
#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"
#include "shared/channel_security.hpp"

namespace photoflow::cli {

// Flags every command takes. How the channel is made (address, TLS, token)
// lives here and in Connection only.
struct GlobalOptions {
  std::string address = "localhost:50051";
  client::ChannelSecurity security;
  std::chrono::milliseconds deadline{std::chrono::seconds(10)};
  bool json = false;
  bool help = false;
};

// The global flags, one row each.
const std::vector<FlagSpec>& GlobalFlags();

// Applies the global flags in `args` over the defaults and the environment
// (PHOTOFLOW_ADDR, PHOTOFLOW_TOKEN); throws UsageError.
GlobalOptions ReadGlobalOptions(const ParsedArgs& args, const char* address_from_env,
                                const char* token_from_env);

// One channel to the server and the stubs on it.
class Connection {
 public:
  explicit Connection(const GlobalOptions& options);

  // A context for one call, carrying the deadline and the token.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // A context for a stream that lasts as long as the user wants (no
  // deadline), carrying the token.
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

  v1::TaskService::Stub& tasks() { return *tasks_; }
  v1::CommentService::Stub& comments() { return *comments_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }

 private:
  std::chrono::milliseconds deadline_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::CommentService::Stub> comments_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace photoflow::cli
