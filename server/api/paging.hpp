#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Keyset paging by id shared by ListTasks and ListComments; errors are
// StatusError(INVALID_ARGUMENT) naming page_size or page_token.
namespace photoflow::api {

int PageSize(int32_t requested);

// The id after which the page starts; 0 for an empty (first-page) token.
int32_t DecodeLastId(const std::string& page_token, const std::string& scope);

std::string EncodeLastId(const std::string& scope, int32_t last_id);

// Lists fetch page_size + 1 rows: the extra row only says that another page
// exists. Drops it and returns whether it was there.
template <typename Row>
bool DropLookaheadRow(std::vector<Row>& rows, int page_size) {
  if (static_cast<int>(rows.size()) <= page_size) return false;
  rows.pop_back();
  return true;
}

}  // namespace photoflow::api
