#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "config/config.hpp"

namespace photoflow::app {

// Reads and checks the TLS files now, so that a missing file, a key that is
// not the certificate's or a CA that is no certificate stops the server at
// start-up with a message naming the setting, instead of failing every
// handshake later. Throws std::runtime_error.
void CheckTlsFiles(const config::TlsFiles& files);

// Plaintext credentials when `files` has no certificate; otherwise TLS whose
// certificate, key and client CA gRPC re-reads from the files every
// `reload_interval` (a changed pair serves new handshakes; connections
// already open keep theirs), requiring and verifying client certificates
// when a client CA is set.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(
    const config::TlsFiles& files, std::chrono::milliseconds reload_interval);

// Whether clients can reach `listen_address` (HOST:PORT) only from this
// machine: 127.0.0.0/8, ::1 or localhost.
bool IsLoopback(const std::string& listen_address);

}  // namespace photoflow::app
