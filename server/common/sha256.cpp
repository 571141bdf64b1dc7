#include "common/sha256.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace photoflow::common {

std::vector<unsigned char> Sha256(std::string_view data) {
  std::vector<unsigned char> digest(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  digest.resize(length);
  return digest;
}

std::string Hex(const std::vector<unsigned char>& bytes, bool zero_padded) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char byte : bytes) {
    if (zero_padded || byte >= 0x10) hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0F]);
  }
  return hex;
}

}  // namespace photoflow::common
