#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace photoflow::cli {

// A command line the user got wrong: exit code 2, with the message and a
// pointer to --help.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One flag: its name ("--title"), its value's name (empty for a switch) and
// its help line. Each command lists its own; the global ones are added.
struct FlagSpec {
  std::string name;
  std::string value_name;
  std::string help;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  // Flag name -> value; a switch that was given maps to "".
  std::map<std::string, std::string> values;

  bool Has(const std::string& flag) const { return values.count(flag) > 0; }
  std::optional<std::string> Get(const std::string& flag) const;
};

// Accepts "--flag value", "--flag=value" and switches; "--" ends the flags.
// Throws UsageError for an unknown flag or a missing value.
ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& flags);

// The positional argument at `index`, named `name` in errors; throws
// UsageError when it is missing.
const std::string& Positional(const ParsedArgs& args, std::size_t index, const std::string& name);

// A positive int32 (ids); throws UsageError naming `name`.
int ParseId(const std::string& name, const std::string& value);

// A whole number in [min, max]; throws UsageError naming `name`.
int ParseWhole(const std::string& name, const std::string& value, int min, int max);

// "true"/"false" (also yes/no, 1/0); throws UsageError naming `name`.
bool ParseBool(const std::string& name, const std::string& value);

// Client input quoted in an error message, bounded (at most 40 bytes).
std::string Quoted(const std::string& value);

}  // namespace photoflow::cli
