#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::admin {

// 1536 -> "1.5 kB" (powers of 1024, as pg_size_pretty).
std::string HumanBytes(int64_t bytes);

// Text columns, the first left-aligned and the rest right-aligned.
std::string TextTable(const std::vector<std::vector<std::string>>& rows);

// A JSON object, built field by field (values already encoded or quoted here).
class JsonObject {
 public:
  JsonObject& Add(std::string_view name, std::string_view text);  // a string
  JsonObject& Add(std::string_view name, const char* text) {
    return Add(name, std::string_view(text));
  }
  JsonObject& Add(std::string_view name, int64_t number);
  JsonObject& Add(std::string_view name, bool value);
  JsonObject& Add(std::string_view name, double number);
  JsonObject& AddRaw(std::string_view name, std::string_view json);  // an encoded value
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void Name(std::string_view name);
  std::string body_;
};

std::string JsonArray(const std::vector<std::string>& encoded_values);

// Progress of long work on stderr: on a terminal one line rewritten in
// place, elsewhere (a Job's log) one line per report.
class Progress {
 public:
  explicit Progress(std::string command);
  ~Progress();
  void Report(const std::string& text);
  void Done();

 private:
  std::string command_;
  bool terminal_;
  bool pending_line_ = false;
};

double SecondsSince(std::chrono::steady_clock::time_point start);
// 1.23456 -> "1.23 s"
std::string SecondsText(double seconds);

}  // namespace photoflow::admin
