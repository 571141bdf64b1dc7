#pragma once

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace photoflow::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn" or "error"; throws std::invalid_argument otherwise.
Level ParseLevel(std::string_view name);

// One key/value pair of a log line; the value keeps its JSON type.
class Field {
 public:
  Field(std::string_view key, std::string_view value);
  Field(std::string_view key, const char* value);
  Field(std::string_view key, const std::string& value);
  Field(std::string_view key, int64_t value);
  Field(std::string_view key, int value);
  Field(std::string_view key, double value);
  Field(std::string_view key, bool value);

  std::string_view key() const { return key_; }
  // The value already encoded as JSON.
  const std::string& json_value() const { return json_value_; }

 private:
  std::string key_;
  std::string json_value_;
};

// Writes one JSON object per line ("ts", "level", "event", then the fields), so
// that log shippers can parse every event without guessing. Thread-safe.
// Never pass secrets: callers log redacted database URLs only.
class Logger {
 public:
  explicit Logger(std::ostream& out, Level min_level = Level::kInfo);

  void Log(Level level, std::string_view event, std::initializer_list<Field> fields = {});
  void Debug(std::string_view event, std::initializer_list<Field> fields = {}) {
    Log(Level::kDebug, event, fields);
  }
  void Info(std::string_view event, std::initializer_list<Field> fields = {}) {
    Log(Level::kInfo, event, fields);
  }
  void Warn(std::string_view event, std::initializer_list<Field> fields = {}) {
    Log(Level::kWarn, event, fields);
  }
  void Error(std::string_view event, std::initializer_list<Field> fields = {}) {
    Log(Level::kError, event, fields);
  }

 private:
  std::mutex mutex_;
  std::ostream& out_;
  Level min_level_;
};

// Encodes text as a JSON string literal, quotes included.
std::string JsonString(std::string_view text);

}  // namespace photoflow::log
