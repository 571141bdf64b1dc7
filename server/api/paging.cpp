#include "api/paging.hpp"

#include <charconv>
#include <vector>

#include "api/status_error.hpp"
#include "query/page_token.hpp"

namespace photoflow::api {

int PageSize(int32_t requested) {
  try {
    return query::EffectivePageSize(requested);
  } catch (const std::invalid_argument&) {
    ThrowInvalidArgument("page_size", "must not be negative");
  }
}

int32_t DecodeLastId(const std::string& page_token, const std::string& scope) {
  if (page_token.empty()) return 0;
  std::vector<std::string> key;
  try {
    key = query::DecodePageToken(page_token, scope);
  } catch (const query::InvalidPageToken& error) {
    ThrowInvalidArgument("page_token", error.what());
  }
  int32_t last_id = 0;
  if (key.size() == 1) {
    const std::string& text = key[0];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), last_id);
    if (error == std::errc() && end == text.data() + text.size() && last_id > 0) return last_id;
  }
  ThrowInvalidArgument("page_token", "is not a valid token");
}

std::string EncodeLastId(const std::string& scope, int32_t last_id) {
  return query::EncodePageToken(scope, {std::to_string(last_id)});
}

}  // namespace photoflow::api
