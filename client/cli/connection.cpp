#include "connection.hpp"

#include <charconv>
#include <cmath>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace photoflow::cli {

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> flags = {
      {"--addr", "HOST:PORT", "The server (env PHOTOFLOW_ADDR, default localhost:50051)."},
      {"--deadline", "SECONDS", "Each call's deadline (default 10)."},
      {"--json", "", "One JSON object per line (the proto JSON mapping) instead of a table."},
      {"--help", "", "Print help and exit."},
  };
  return flags;
}

GlobalOptions ReadGlobalOptions(const ParsedArgs& args, const char* address_from_env) {
  GlobalOptions options;
  if (address_from_env != nullptr && *address_from_env != '\0') options.address = address_from_env;
  if (auto address = args.Get("--addr")) {
    if (address->empty()) throw UsageError("--addr must not be empty");
    options.address = *address;
  }
  if (auto deadline = args.Get("--deadline")) {
    double seconds = 0;
    const char* end = deadline->data() + deadline->size();
    const auto [ptr, error] = std::from_chars(deadline->data(), end, seconds);
    if (error != std::errc() || ptr != end || !(seconds >= 0.001 && seconds <= 86400)) {
      throw UsageError("--deadline takes seconds from 0.001 to 86400, got " + Quoted(*deadline));
    }
    options.deadline = std::chrono::milliseconds(std::llround(seconds * 1000));
  }
  options.json = args.Has("--json");
  options.help = args.Has("--help");
  return options;
}

Connection::Connection(const GlobalOptions& options)
    : deadline_(options.deadline),
      channel_(grpc::CreateChannel(options.address, grpc::InsecureChannelCredentials())),
      tasks_(v1::TaskService::NewStub(channel_)),
      comments_(v1::CommentService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline_);
  return context;
}

}  // namespace photoflow::cli
