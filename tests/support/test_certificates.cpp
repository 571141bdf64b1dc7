#include "support/test_certificates.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/child_process.hpp"

namespace photoflow::testing {
namespace {

void Openssl(const std::vector<std::string>& args) {
  ChildProcess openssl("/usr/bin/openssl", args);
  if (openssl.WaitForExit(std::chrono::seconds(30)) != 0) {
    throw std::runtime_error("openssl " + args.front() + " failed: " + openssl.Output());
  }
}

}  // namespace

TestCertificateAuthority::TestCertificateAuthority(const std::string& name)
    : ca_file_((dir_.path() / "ca.pem").string()), ca_key_file_((dir_.path() / "ca.key").string()) {
  Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-days", "1", "-subj", "/CN=" + name, "-keyout", ca_key_file_, "-out", ca_file_});
}

Issued TestCertificateAuthority::Issue(const std::string& name, bool server) const {
  const std::string base = (dir_.path() / name).string();
  Issued issued{base + ".pem", base + ".key", ca_file_};
  const std::string extensions_file = base + ".ext";
  std::ofstream(extensions_file) << (server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                              "extendedKeyUsage=serverAuth\n"
                                            : "extendedKeyUsage=clientAuth\n");
  Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
           "/CN=" + name, "-keyout", issued.key_file, "-out", base + ".csr"});
  Openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca_file_, "-CAkey", ca_key_file_,
           "-CAcreateserial", "-days", "1", "-extfile", extensions_file, "-out", issued.cert_file});
  return issued;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace photoflow::testing
