#include "admin/report.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "log/logger.hpp"

namespace photoflow::admin {

std::string HumanBytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "kB", "MB", "GB", "TB"};
  auto value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

std::string TextTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string padding(widths[i] - row[i].size(), ' ');
      line += i == 0 ? row[i] + padding : "  " + padding + row[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text;
}

void JsonObject::Name(std::string_view name) {
  if (!body_.empty()) body_ += ',';
  body_ += log::JsonString(name) + ":";
}

JsonObject& JsonObject::Add(std::string_view name, std::string_view text) {
  Name(name);
  body_ += log::JsonString(text);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view name, int64_t number) {
  Name(name);
  body_ += std::to_string(number);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view name, bool value) {
  Name(name);
  body_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Add(std::string_view name, double number) {
  Name(name);
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", number);
  body_ += text;
  return *this;
}

JsonObject& JsonObject::AddRaw(std::string_view name, std::string_view json) {
  Name(name);
  body_ += json;
  return *this;
}

std::string JsonArray(const std::vector<std::string>& encoded_values) {
  std::string text = "[";
  for (size_t i = 0; i < encoded_values.size(); ++i) {
    if (i > 0) text += ',';
    text += encoded_values[i];
  }
  return text + "]";
}

Progress::Progress(std::string command)
    : command_(std::move(command)), terminal_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Done(); }

void Progress::Report(const std::string& text) {
  if (terminal_) {
    std::cerr << "\r\033[K" << command_ << ": " << text << std::flush;
    pending_line_ = true;
  } else {
    std::cerr << command_ << ": " << text << std::endl;
  }
}

void Progress::Done() {
  if (pending_line_) std::cerr << std::endl;
  pending_line_ = false;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string SecondsText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

}  // namespace photoflow::admin
