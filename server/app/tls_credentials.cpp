#include "app/tls_credentials.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace photoflow::app {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;
using Certificate = std::unique_ptr<X509, X509Deleter>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyDeleter>;

File Open(const std::string& path, const char* setting) {
  File file(std::fopen(path.c_str(), "rb"));  // NOLINT(cppcoreguidelines-owning-memory)
  if (!file) throw std::runtime_error(std::string(setting) + ": cannot read '" + path + "'");
  return file;
}

Certificate ReadCertificate(const std::string& path, const char* setting) {
  const File file = Open(path, setting);
  Certificate certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  if (!certificate) {
    throw std::runtime_error(std::string(setting) + ": '" + path + "' holds no PEM certificate");
  }
  return certificate;
}

}  // namespace

void CheckTlsFiles(const config::TlsFiles& files) {
  if (!files.enabled()) return;
  const Certificate certificate = ReadCertificate(files.cert_file, "PHOTOFLOW_TLS_CERT");
  const File key_file = Open(files.key_file, "PHOTOFLOW_TLS_KEY");
  const PrivateKey key(PEM_read_PrivateKey(key_file.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw std::runtime_error("PHOTOFLOW_TLS_KEY: '" + files.key_file +
                             "' holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    throw std::runtime_error("PHOTOFLOW_TLS_KEY: '" + files.key_file +
                             "' is not the private key of PHOTOFLOW_TLS_CERT '" + files.cert_file +
                             "'");
  }
  if (!files.client_ca_file.empty())
    ReadCertificate(files.client_ca_file, "PHOTOFLOW_TLS_CLIENT_CA");
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(
    const config::TlsFiles& files, std::chrono::milliseconds reload_interval) {
  if (!files.enabled()) return grpc::InsecureServerCredentials();
  const auto seconds = static_cast<unsigned int>(std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(reload_interval).count()));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key_file, files.cert_file, files.client_ca_file, seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (files.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

bool IsLoopback(const std::string& listen_address) {
  std::string host = listen_address.substr(0, listen_address.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace photoflow::app
