#include "log/logger.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace photoflow::log {
namespace {

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string Rfc3339Now() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

Level ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  throw std::invalid_argument("log level must be debug, info, warn or error, got '" +
                              std::string(name) + "'");
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

Field::Field(std::string_view key, std::string_view value)
    : key_(key), json_value_(JsonString(value)) {}
Field::Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
Field::Field(std::string_view key, const std::string& value)
    : Field(key, std::string_view(value)) {}
Field::Field(std::string_view key, int64_t value) : key_(key), json_value_(std::to_string(value)) {}
Field::Field(std::string_view key, int value) : Field(key, static_cast<int64_t>(value)) {}
Field::Field(std::string_view key, double value) : key_(key) {
  if (!std::isfinite(value)) {
    json_value_ = "null";
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  json_value_ = buffer;
}
Field::Field(std::string_view key, bool value) : key_(key), json_value_(value ? "true" : "false") {}

Logger::Logger(std::ostream& out, Level min_level) : out_(out), min_level_(min_level) {}

void Logger::Log(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (level < min_level_) return;
  std::string line = R"({"ts":")" + Rfc3339Now() + R"(","level":")" + LevelName(level) +
                     R"(","event":)" + JsonString(event);
  for (const Field& field : fields) {
    line += ',';
    line += JsonString(field.key());
    line += ':';
    line += field.json_value();
  }
  line += "}\n";
  const std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace photoflow::log
