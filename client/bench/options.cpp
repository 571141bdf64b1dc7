#include "options.hpp"

#include <algorithm>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "config/values.hpp"

namespace photoflow::bench {
namespace {

// The server's own parsers of numbers in settings.
std::chrono::milliseconds Seconds(const std::string& flag, const std::string& value, double min,
                                  double max) {
  return config::ParseSeconds(flag, value, min, max);
}

int Whole(const std::string& flag, const std::string& value, int min, int max) {
  return config::ParseWholeNumber(flag, value, min, max);
}

std::map<std::string, int> ParseMix(const std::string& value) {
  std::map<std::string, int> mix;
  std::stringstream items(value);
  for (std::string item; std::getline(items, item, ',');) {
    const size_t equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const auto& names = ScenarioNames();
    if (equals == std::string::npos || name == "mixed" ||
        std::find(names.begin(), names.end(), name) == names.end()) {
      throw std::invalid_argument("--mix takes SCENARIO=WEIGHT,..., got '" + item.substr(0, 40) +
                                  "'");
    }
    mix[name] = Whole("--mix " + name, item.substr(equals + 1), 0, 1000000);
  }
  int total = 0;
  for (const auto& [name, weight] : mix) total += weight;
  if (total == 0) throw std::invalid_argument("--mix needs a scenario with a weight above 0");
  return mix;
}

using Apply = std::function<void(Options&, const std::string& flag, const std::string& value)>;

// One row per flag: its name, its value's name (empty: a switch), its help,
// and how it is applied.
struct Flag {
  const char* name;
  const char* value_name;
  const char* help;
  Apply apply;
};

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      {"--addr", "HOST:PORT", "The server (env PHOTOFLOW_ADDR, default localhost:50051).",
       [](Options& o, const std::string&, const std::string& v) { o.address = v; }},
      {"--scenario", "NAME",
       "get, list, list-column, search, summarize, create, comment, update, mixed, health or "
       "watch (default get). watch: --watchers streams over --channels, and --write-rate "
       "UpdateTask calls per second on another connection; it measures commit to delivery.",
       [](Options& o, const std::string& f, const std::string& v) {
         const auto& names = ScenarioNames();
         if (std::find(names.begin(), names.end(), v) == names.end()) {
           throw std::invalid_argument(f + ": unknown scenario '" + v.substr(0, 40) + "'");
         }
         o.scenario = v;
       }},
      {"--mix", "S=W,...",
       "Weights for mixed (default get=60,list=20,create=10,comment=5,update=5).",
       [](Options& o, const std::string&, const std::string& v) { o.mix = ParseMix(v); }},
      {"--in-flight", "N", "Calls kept in flight, closed loop (default 16).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.in_flight = Whole(f, v, 1, 10000);
       }},
      {"--channels", "M", "HTTP/2 connections the calls are spread over (default 2).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.channels = Whole(f, v, 1, 1000);
       }},
      {"--duration", "SECONDS", "How long to measure (default 10).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.duration = Seconds(f, v, 0.1, 86400);
       }},
      {"--warmup", "SECONDS", "Load before measuring, not counted (default 2).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.warmup = Seconds(f, v, 0, 3600);
       }},
      {"--deadline", "SECONDS", "Every call's deadline, as real clients set one (default 5).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.deadline = Seconds(f, v, 0.001, 3600);
       }},
      {"--seed", "N", "Create N tasks (spread over --columns, due on whole days) first.",
       [](Options& o, const std::string& f, const std::string& v) {
         o.seed = Whole(f, v, 0, 100000000);
       }},
      {"--columns", "K", "Kanban columns for --seed and list-column (default 4).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.columns = Whole(f, v, 1, 1000);
       }},
      {"--max-ids", "N", "Task ids read for get, update and comment (default 100000).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.max_ids = Whole(f, v, 1, 100000000);
       }},
      {"--page", "N",
       "Scenario list reads page N of the unfinished tasks (default 1; the pages before it are "
       "walked first, not counted).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.page = Whole(f, v, 1, 1000000);
       }},
      {"--watchers", "N", "Scenario watch: WatchTasks streams (default 1000).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.watchers = Whole(f, v, 1, 100000);
       }},
      {"--write-rate", "N", "Scenario watch: UpdateTask calls per second, open loop (default 500).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.write_rate = Whole(f, v, 0, 100000);
       }},
      {"--wait-ready", "SECONDS", "First wait up to this long for health SERVING (default 0).",
       [](Options& o, const std::string& f, const std::string& v) {
         o.wait_ready = Seconds(f, v, 0, 3600);
       }},
      {"--json", "", "Print the result as one JSON object instead of a table.",
       [](Options& o, const std::string&, const std::string&) { o.json = true; }},
      {"--tls", "", "Use TLS, trusting the system's CAs (implied by --ca, --cert, --key).",
       [](Options& o, const std::string&, const std::string&) { o.security.tls = true; }},
      {"--ca", "FILE", "Trust this CA bundle (PEM) for the server's certificate.",
       [](Options& o, const std::string&, const std::string& v) { o.security.ca_file = v; }},
      {"--cert", "FILE", "Client certificate (PEM) for mutual TLS; needs --key.",
       [](Options& o, const std::string&, const std::string& v) { o.security.cert_file = v; }},
      {"--key", "FILE", "The client certificate's private key (PEM).",
       [](Options& o, const std::string&, const std::string& v) { o.security.key_file = v; }},
      {"--token", "TOKEN", "Bearer token (env PHOTOFLOW_TOKEN).",
       [](Options& o, const std::string&, const std::string& v) { o.security.token = v; }},
  };
  return flags;
}

}  // namespace

const std::vector<std::string>& ScenarioNames() {
  static const std::vector<std::string> names = {"get",       "list",   "list-column", "search",
                                                 "summarize", "create", "comment",     "update",
                                                 "mixed",     "health", "watch"};
  return names;
}

Options ParseOptions(const std::vector<std::string>& args, const char* address_from_env,
                     const char* token_from_env) {
  Options options;
  if (token_from_env != nullptr) options.security.token = token_from_env;
  if (address_from_env != nullptr && *address_from_env != '\0') options.address = address_from_env;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const auto& flags = Flags();
    const auto flag =
        std::find_if(flags.begin(), flags.end(), [&name](const Flag& f) { return name == f.name; });
    if (flag == flags.end()) {
      throw std::invalid_argument("unknown option '" + arg.substr(0, 40) + "' (see --help)");
    }
    std::string value;
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (*flag->value_name != '\0') {
      if (i + 1 >= args.size()) throw std::invalid_argument(name + " needs a value");
      value = args[++i];
    }
    flag->apply(options, name, value);
  }
  client::CheckChannelSecurity(options.security);
  return options;
}

std::string HelpText() {
  std::ostringstream out;
  out << "Usage: photoflow-bench [options]\n\n"
         "Closed-loop load on a PhotoFlow server: --in-flight calls at all times over\n"
         "--channels connections, each with --deadline. Prints throughput, latency\n"
         "percentiles and errors by status code.\n\n";
  for (const Flag& flag : Flags()) {
    out << "  " << flag.name;
    if (*flag.value_name != '\0') out << ' ' << flag.value_name;
    out << "\n      " << flag.help << "\n";
  }
  out << "  --help\n      Print this text and exit.\n";
  return out.str();
}

}  // namespace photoflow::bench
