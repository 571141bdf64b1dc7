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
      {"--tls", "", "Use TLS, trusting the system's CAs (implied by --ca, --cert, --key)."},
      {"--ca", "FILE", "Trust this CA bundle (PEM) for the server's certificate."},
      {"--cert", "FILE", "Client certificate (PEM) for mutual TLS; needs --key."},
      {"--key", "FILE", "The client certificate's private key (PEM)."},
      {"--token", "TOKEN", "Bearer token (env PHOTOFLOW_TOKEN)."},
      {"--help", "", "Print help and exit."},
  };
  return flags;
}

GlobalOptions ReadGlobalOptions(const ParsedArgs& args, const char* address_from_env,
                                const char* token_from_env) {
  GlobalOptions options;
  if (token_from_env != nullptr) options.security.token = token_from_env;
  if (auto token = args.Get("--token")) options.security.token = *token;
  options.security.tls = args.Has("--tls");
  options.security.ca_file = args.Get("--ca").value_or("");
  options.security.cert_file = args.Get("--cert").value_or("");
  options.security.key_file = args.Get("--key").value_or("");
  try {
    client::CheckChannelSecurity(options.security);
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  }
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
      token_(options.security.token),
      channel_(
          grpc::CreateChannel(options.address, client::ChannelCredentialsFor(options.security))),
      tasks_(v1::TaskService::NewStub(channel_)),
      comments_(v1::CommentService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline_);
  client::AddToken(*context, token_);
  return context;
}

std::unique_ptr<grpc::ClientContext> Connection::NewStreamContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  client::AddToken(*context, token_);
  return context;
}

}  // namespace photoflow::cli
