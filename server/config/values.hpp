#pragma once

#include <chrono>
#include <string>
#include <string_view>

// Parsers for setting values, shared by the flags/environment and the
// DATABASE_URL parameters. Each throws std::invalid_argument naming `name`.
namespace photoflow::config {

std::chrono::milliseconds ParseSeconds(std::string_view name, std::string_view value,
                                       double min_seconds, double max_seconds);

int ParseWholeNumber(std::string_view name, std::string_view value, int min, int max);

// true/false, 1/0, yes/no; an empty value means true (a bare flag).
bool ParseBool(std::string_view name, std::string_view value);

}  // namespace photoflow::config
