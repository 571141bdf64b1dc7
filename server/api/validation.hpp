#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

// Input rules of the API (docs/api.md, "Limits"). Each check throws
// StatusError(INVALID_ARGUMENT) naming the field.
namespace photoflow::api {

constexpr size_t kMaxShortTextChars = 500;   // title, status, task_column
constexpr size_t kMaxLongTextChars = 10000;  // additional_information, comment text

enum class Presence { kRequired, kOptional };

// Valid UTF-8 without NUL (PostgreSQL TEXT cannot hold NUL), at most
// `max_chars` characters, and non-empty when required.
void CheckText(std::string_view field, std::string_view value, Presence presence, size_t max_chars);

// A positive resource id.
void CheckId(std::string_view field, int64_t id);

// A set, valid timestamp (0001-01-01 to 9999-12-31, nanos in range).
void CheckTimestamp(std::string_view field, bool present,
                    const google::protobuf::Timestamp& timestamp);

// Counts characters (code points); returns SIZE_MAX for invalid UTF-8.
size_t Utf8Length(std::string_view text);

}  // namespace photoflow::api
