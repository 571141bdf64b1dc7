#include "config/values.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace photoflow::config {

std::chrono::milliseconds ParseSeconds(std::string_view name, std::string_view value,
                                       double min_seconds, double max_seconds) {
  double seconds = -1;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds) ||
      seconds < min_seconds || seconds > max_seconds) {
    throw std::invalid_argument(std::string(name) + " must be a number of seconds from " +
                                std::to_string(static_cast<int64_t>(min_seconds)) + " to " +
                                std::to_string(static_cast<int64_t>(max_seconds)) + ", got '" +
                                std::string(value) + "'");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

int ParseWholeNumber(std::string_view name, std::string_view value, int min, int max) {
  int number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < min || number > max) {
    throw std::invalid_argument(std::string(name) + " must be a whole number from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                                std::string(value) + "'");
  }
  return number;
}

bool ParseBool(std::string_view name, std::string_view value) {
  if (value.empty() || value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  throw std::invalid_argument(std::string(name) + " must be true or false, got '" +
                              std::string(value) + "'");
}

}  // namespace photoflow::config
