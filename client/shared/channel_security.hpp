#pragma once

#include <memory>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>

namespace photoflow::client {

// How a client reaches a server that uses TLS, mutual TLS or bearer tokens
// (docs/security.md): the flags --tls, --ca, --cert, --key and --token (env
// PHOTOFLOW_TOKEN) of the photoflow CLI and photoflow-bench, which the
// Python and Node clients mirror.
struct ChannelSecurity {
  bool tls = false;       // --tls; implied by --ca, --cert and --key
  std::string ca_file;    // trusted roots (PEM); empty: the system's
  std::string cert_file;  // client certificate (PEM), for mutual TLS
  std::string key_file;   // its private key (PEM)
  std::string token;      // sent as "authorization: Bearer <token>"
};

// Throws std::invalid_argument when --cert comes without --key or the other
// way round.
void CheckChannelSecurity(const ChannelSecurity& security);

// Plaintext, or TLS with the given roots and client certificate. Throws
// std::runtime_error naming a file it cannot read.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const ChannelSecurity& security);

// Adds the bearer token to one call's metadata (nothing without a token). As
// plain metadata rather than call credentials, so that it also reaches a
// server on loopback without TLS; over a network, use TLS.
void AddToken(grpc::ClientContext& context, const std::string& token);

}  // namespace photoflow::client
