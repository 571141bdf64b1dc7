#include "shared/channel_security.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace photoflow::client {
namespace {

std::string ReadPem(const std::string& path, const char* flag) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(flag) + ": cannot read '" + path + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

void CheckChannelSecurity(const ChannelSecurity& security) {
  if (security.cert_file.empty() != security.key_file.empty()) {
    throw std::invalid_argument("--cert and --key go together (mutual TLS needs both)");
  }
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const ChannelSecurity& security) {
  const bool tls = security.tls || !security.ca_file.empty() || !security.cert_file.empty();
  if (!tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadPem(security.ca_file, "--ca");
  options.pem_cert_chain = ReadPem(security.cert_file, "--cert");
  options.pem_private_key = ReadPem(security.key_file, "--key");
  return grpc::SslCredentials(options);
}

void AddToken(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

}  // namespace photoflow::client
