#include "args.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace photoflow::cli {

std::optional<std::string> ParsedArgs::Get(const std::string& flag) const {
  const auto found = values.find(flag);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& flags) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const std::size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const auto spec = std::find_if(flags.begin(), flags.end(),
                                   [&](const FlagSpec& flag) { return flag.name == name; });
    if (spec == flags.end()) throw UsageError("unknown flag " + Quoted(name));
    if (spec->value_name.empty()) {
      if (equals != std::string::npos) {
        throw UsageError(name + " takes no value");
      }
      parsed.values[name] = "";
    } else if (equals != std::string::npos) {
      parsed.values[name] = arg.substr(equals + 1);
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      parsed.values[name] = args[++i];
    } else {
      // "--title --etag x" is a forgotten value, not a title of "--etag".
      std::string message = name + " needs a value (" + spec->value_name + "); write ";
      message += name;
      message += "=VALUE for one that starts with --";
      throw UsageError(message);
    }
  }
  return parsed;
}

const std::string& Positional(const ParsedArgs& args, std::size_t index, const std::string& name) {
  if (index >= args.positional.size()) throw UsageError("missing " + name);
  return args.positional[index];
}

int ParseId(const std::string& name, const std::string& value) {
  return ParseWhole(name, value, 1, std::numeric_limits<int>::max());
}

int ParseWhole(const std::string& name, const std::string& value, int min, int max) {
  int number = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, error] = std::from_chars(value.data(), end, number);
  if (error != std::errc() || ptr != end || number < min || number > max) {
    throw UsageError(name + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got " + Quoted(value));
  }
  return number;
}

bool ParseBool(const std::string& name, const std::string& value) {
  if (value == "true" || value == "yes" || value == "1") return true;
  if (value == "false" || value == "no" || value == "0") return false;
  throw UsageError(name + " takes true or false, got " + Quoted(value));
}

std::string Quoted(const std::string& value) {
  constexpr std::size_t kMax = 40;
  if (value.size() <= kMax) return "'" + value + "'";
  // Cut on a UTF-8 character boundary.
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) --cut;
  return "'" + value.substr(0, cut) + "…' (" + std::to_string(value.size()) + " bytes)";
}

}  // namespace photoflow::cli
