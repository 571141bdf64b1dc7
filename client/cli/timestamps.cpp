#include "timestamps.hpp"

#include <google/protobuf/util/time_util.h>

#include "args.hpp"

namespace photoflow::cli {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ParseTimestamp(const std::string& name, const std::string& value) {
  google::protobuf::Timestamp timestamp;
  const bool whole_day = value.size() == 10 && value[4] == '-' && value[7] == '-';
  if (TimeUtil::FromString(whole_day ? value + "T00:00:00Z" : value, &timestamp)) {
    return timestamp;
  }
  throw UsageError(name +
                   " takes a date (2026-12-24) or an RFC 3339 time (2026-12-24T15:00:00Z), got " +
                   Quoted(value));
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  // "2026-12-24T15:04:05.123Z" (TimeUtil prints 0, 3, 6 or 9 fraction digits).
  std::string text = TimeUtil::ToString(timestamp);
  const std::size_t time_at = text.find('T');
  if (time_at == std::string::npos) return text;
  std::string time = text.substr(time_at + 1);
  if (!time.empty() && time.back() == 'Z') time.pop_back();
  if (time == "00:00:00") return text.substr(0, time_at);
  if (time.size() == 8 && time.compare(5, 3, ":00") == 0) time.resize(5);  // no seconds
  return text.substr(0, time_at) + " " + time + "Z";
}

}  // namespace photoflow::cli
