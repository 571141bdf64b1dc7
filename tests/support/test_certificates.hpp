#pragma once

#include <string>

#include "support/temp_dir.hpp"

namespace photoflow::testing {

// PEM files of one certificate, its key and the CA that signed it.
struct Issued {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
};

// A throwaway certificate authority (openssl, P-256) in a private folder:
// issues server certificates for localhost and 127.0.0.1, and client
// certificates, all valid for a day.
class TestCertificateAuthority {
 public:
  explicit TestCertificateAuthority(const std::string& name = "photoflow-test-ca");

  // A certificate with common name `name`; a server certificate carries
  // localhost and 127.0.0.1 as subject alternative names.
  Issued Issue(const std::string& name, bool server = true) const;

  const std::string& ca_file() const { return ca_file_; }
  const std::string& ca_key_file() const { return ca_key_file_; }

 private:
  TempDir dir_;
  std::string ca_file_;
  std::string ca_key_file_;
};

// The whole content of `path`.
std::string ReadFile(const std::string& path);

}  // namespace photoflow::testing
