#pragma once

#include <cstdint>
#include <string>

// Keyset paging by id shared by ListTasks and ListComments; errors are
// StatusError(INVALID_ARGUMENT) naming page_size or page_token.
namespace photoflow::api {

int PageSize(int32_t requested);

// The id after which the page starts; 0 for an empty (first-page) token.
int32_t DecodeLastId(const std::string& page_token, const std::string& scope);

std::string EncodeLastId(const std::string& scope, int32_t last_id);

}  // namespace photoflow::api
