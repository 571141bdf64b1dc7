// Any text as a page token: decoding may reject it but must never crash, and
// whatever decodes must encode back to the same token.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "query/page_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kScope = "tasks\nfilter=\norder_by=id asc";
  try {
    const auto key = photoflow::query::DecodePageToken(token, kScope);
    if (photoflow::query::EncodePageToken(kScope, key) != token) __builtin_trap();
  } catch (const photoflow::query::InvalidPageToken&) {
  }
  return 0;
}
