#pragma once

#include <string>

#include <google/protobuf/timestamp.pb.h>

namespace photoflow::cli {

// A due date as the user types it: a whole day ("2026-12-24", midnight UTC,
// as the PhotoFlow app stores due dates) or RFC 3339
// ("2026-12-24T15:00:00Z", "2026-12-24T15:00:00+01:00"). Throws UsageError
// naming `name`.
google::protobuf::Timestamp ParseTimestamp(const std::string& name, const std::string& value);

// For tables: "2026-12-24" at midnight UTC, else "2026-12-24 15:00Z" (with
// seconds and milliseconds only when they are not zero); "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace photoflow::cli
