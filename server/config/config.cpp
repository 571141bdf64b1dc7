#include "config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "config/values.hpp"

namespace photoflow::config {
namespace {

using Apply = void (*)(Config& config, std::string_view name, const std::string& value);

// One row per setting: its variable, flag, default and help, and how its
// value is parsed into Config. Parsing, --help, and the README check
// (tests/unit/settings_readme_test.cpp) all read this table.
struct Setting {
  std::string_view env;
  std::string_view flag;
  std::string_view value_name;  // empty for boolean switches
  // Parsed like a given value when the setting is not given; empty when the
  // default is derived from other settings (default_text says how).
  std::string_view default_value;
  // How --help and the README show a derived default (Markdown); empty:
  // `default_value`.
  std::string_view default_text;
  std::string_view help;
  Apply apply;
};

void CheckListenAddress(std::string_view name, const std::string& value);

constexpr Setting kSettings[] = {
    {"DATABASE_URL", "--database-url", "URL", "", "required",
     "PostgreSQL URL. Prisma-style parameters connection_limit, pool_timeout, schema and "
     "pgbouncer are honoured and never passed to libpq.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.database = ParseDatabaseUrl(value);
     }},
    {"PHOTOFLOW_LISTEN", "--listen", "HOST:PORT", "0.0.0.0:50051", "", "gRPC listen address.",
     [](Config& config, std::string_view name, const std::string& value) {
       CheckListenAddress(name, value);
       config.listen_address = value;
     }},
    {"PHOTOFLOW_METRICS_LISTEN", "--metrics-listen", "HOST:PORT", "0.0.0.0:9464", "",
     "Prometheus /metrics listen address (HTTP); empty turns metrics off.",
     [](Config& config, std::string_view name, const std::string& value) {
       if (!value.empty()) CheckListenAddress(name, value);
       config.metrics_listen_address = value;
     }},
    {"PHOTOFLOW_DB_STATS_INTERVAL", "--db-stats-interval", "SECONDS", "15", "",
     "How often database and table sizes, row counts and connection states are read for "
     "/metrics (never on the scrape itself).",
     [](Config& config, std::string_view name, const std::string& value) {
       config.db_stats_interval = ParseSeconds(name, value, 0.1, 86400);
     }},
    {"PHOTOFLOW_POOL_MAX_LIFETIME", "--pool-max-lifetime", "SECONDS", "1800", "",
     "Pooled connections older than this are closed and replaced (spread by up to 10%); 0 keeps "
     "them for ever.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.pool_max_lifetime = ParseSeconds(name, value, 0, 604800);
     }},
    {"PHOTOFLOW_POOL_MAX_WAITERS", "--pool-max-waiters", "N", "", "4 × `connection_limit`",
     "Calls that may wait for a database connection at once; more fail at once with "
     "RESOURCE_EXHAUSTED.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.pool_max_waiters = ParseWholeNumber(name, value, 0, 1000000);
     }},
    {"PHOTOFLOW_BATCH_MAX_CALLS", "--batch-max-calls", "N", "32", "",
     "Most GetTask, CreateTask or CreateComment calls that one statement serves when they wait "
     "for a connection together (natural batching); 1 turns batching off.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.batch_max_calls = ParseWholeNumber(name, value, 1, 1000);
     }},
    {"PHOTOFLOW_MAX_MESSAGE_BYTES", "--max-message-bytes", "BYTES", "1048576", "",
     "Largest request message accepted; gRPC answers a larger one with RESOURCE_EXHAUSTED "
     "before it is read.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.max_message_bytes = ParseWholeNumber(name, value, 1024, 64 * 1024 * 1024);
     }},
    {"PHOTOFLOW_MAX_CONCURRENT_STREAMS", "--max-concurrent-streams", "N", "100", "",
     "Calls one client connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); "
     "more wait in the client.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.max_concurrent_streams = ParseWholeNumber(name, value, 1, 100000);
     }},
    {"PHOTOFLOW_MAX_CONNECTION_AGE", "--max-connection-age", "SECONDS", "0", "0: no limit",
     "After this long (give or take 10 percent) a client connection is sent GOAWAY, so that "
     "clients reconnect and spread over new replicas behind a Kubernetes Service.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.max_connection_age = ParseSeconds(name, value, 0, 7 * 24 * 3600);
     }},
    {"PHOTOFLOW_MAX_CONNECTION_AGE_GRACE", "--max-connection-age-grace", "SECONDS", "30", "",
     "How long calls in flight on a connection past its age may take before it is closed.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.max_connection_age_grace = ParseSeconds(name, value, 0, 24 * 3600);
     }},
    {"PHOTOFLOW_WATCH_RETENTION", "--watch-retention", "SECONDS", "3600", "",
     "How long the change log keeps changes: WatchTasks resumes from a token this old at most.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_retention = ParseSeconds(name, value, 1, 30 * 24 * 3600);
     }},
    {"PHOTOFLOW_WATCH_RETENTION_ROWS", "--watch-retention-rows", "N", "1000000", "",
     "The most changes the change log keeps, whatever their age.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_retention_rows = ParseWholeNumber(name, value, 1000, 1'000'000'000);
     }},
    {"PHOTOFLOW_WATCH_BUFFER", "--watch-buffer", "EVENTS", "10000", "",
     "Events a WatchTasks stream may have waiting for a slow client; one more ends the stream "
     "with RESOURCE_EXHAUSTED. Keep it above 1000: one read of the change log can deliver that "
     "many at once, even to a client that keeps up.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_buffer_events = ParseWholeNumber(name, value, 10, 10'000'000);
     }},
    {"PHOTOFLOW_WATCH_POLL_INTERVAL", "--watch-poll-interval", "SECONDS", "1", "",
     "How often a server without WatchTasks streams numbers new changes in the change log and "
     "reads it without a notification.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_poll_interval = ParseSeconds(name, value, 0.01, 60);
     }},
    {"PHOTOFLOW_WATCH_BATCH_WINDOW", "--watch-batch-window", "SECONDS", "0.02", "",
     "While a server has WatchTasks streams it numbers new changes and reads the change log this "
     "often: what commits within it reaches each stream in one write. Lower is sooner, at one "
     "small statement per window.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_batch_window = ParseSeconds(name, value, 0.001, 1);
     }},
    {"PHOTOFLOW_WATCH_BOOKMARK_INTERVAL", "--watch-bookmark-interval", "SECONDS", "10", "",
     "An idle WatchTasks stream gets a CURRENT event with a newer resume token this often.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.watch_bookmark_interval = ParseSeconds(name, value, 0.1, 3600);
     }},
    {"PHOTOFLOW_TLS_CERT", "--tls-cert", "FILE", "", "none: plaintext",
     "Server certificate chain (PEM) for gRPC over TLS; needs PHOTOFLOW_TLS_KEY. Re-read when "
     "the file changes.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.tls.cert_file = value;
     }},
    {"PHOTOFLOW_TLS_KEY", "--tls-key", "FILE", "", "none",
     "Private key (PEM) of PHOTOFLOW_TLS_CERT.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.tls.key_file = value;
     }},
    {"PHOTOFLOW_TLS_CLIENT_CA", "--tls-client-ca", "FILE", "", "none: no client certificates",
     "CA bundle (PEM) that client certificates must chain to: mutual TLS, every client must "
     "present a valid certificate. Needs PHOTOFLOW_TLS_CERT.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.tls.client_ca_file = value;
     }},
    {"PHOTOFLOW_AUTH_TOKENS_FILE", "--auth-tokens-file", "FILE", "", "none: no authentication",
     "Bearer tokens that may call the service: one 'sha256-hex name scopes' line per caller "
     "(photoflow-server token prints one). Re-read when the file changes or on SIGHUP.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.auth_tokens_file = value;
     }},
    {"PHOTOFLOW_RELOAD_INTERVAL", "--reload-interval", "SECONDS", "10", "",
     "How often the TLS files and the tokens file are checked for changes.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.reload_interval = ParseSeconds(name, value, 1, 86400);
     }},
    {"PHOTOFLOW_REFLECTION", "--reflection", "BOOL", "true", "",
     "Serve gRPC server reflection (grpcurl, grpcui). It answers without a token: turn it off "
     "where the API's shape is not for everyone.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.reflection = ParseBool(name, value);
     }},
    {"PHOTOFLOW_MAX_CALLS_PER_CALLER", "--max-calls-per-caller", "N", "",
     "half of `connection_limit` + `pool_max_waiters`",
     "Calls one token caller may have in flight at once (with authentication on); more are "
     "answered RESOURCE_EXHAUSTED with RetryInfo. 0: no limit.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.max_calls_per_caller = ParseWholeNumber(name, value, 0, 1000000);
     }},
    {"PHOTOFLOW_ACCESS_LOG", "--access-log", "", "false", "",
     "Log one rpc line per call: method, caller, gRPC code and duration (never a token).",
     [](Config& config, std::string_view name, const std::string& value) {
       config.access_log = ParseBool(name, value);
     }},
    {"PHOTOFLOW_SHUTDOWN_GRACE", "--shutdown-grace", "SECONDS", "10", "",
     "On SIGTERM/SIGINT, how long in-flight calls may take to finish.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.shutdown_grace = ParseSeconds(name, value, 0, 3600);
     }},
    {"PHOTOFLOW_HEALTH_INTERVAL", "--health-interval", "SECONDS", "5", "",
     "How often the database is probed for grpc.health.v1 (every 0.5 s while not serving).",
     [](Config& config, std::string_view name, const std::string& value) {
       config.health_check_interval = ParseSeconds(name, value, 0.1, 3600);
     }},
    {"PHOTOFLOW_LOG_LEVEL", "--log-level", "LEVEL", "info", "", "debug, info, warn or error.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.log_level = log::ParseLevel(value);
     }},
    {"PHOTOFLOW_MIGRATE", "--migrate", "", "false", "",
     "Apply pending migrations (photoflow-migrate deploy) before serving.",
     [](Config& config, std::string_view name, const std::string& value) {
       config.migrate_on_start = ParseBool(name, value);
     }},
    {"PHOTOFLOW_MIGRATIONS_DIR", "--migrations", "DIR", "",
     "installed `share/photoflow/migrations`, else the source tree's `migrations/`",
     "Folder of <timestamp>_<name>/migration.sql migrations.",
     [](Config& config, std::string_view /*name*/, const std::string& value) {
       config.migrations_dir = value;
     }},
};

// Markdown without its backticks, for --help.
std::string PlainText(std::string_view markdown) {
  std::string text;
  for (const char c : markdown) {
    if (c != '`') text.push_back(c);
  }
  return text;
}

void CheckListenAddress(std::string_view name, const std::string& value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon + 1 == value.size()) {
    throw std::invalid_argument(std::string(name) + " must look like HOST:PORT, got '" + value +
                                "'");
  }
}

}  // namespace

std::vector<SettingDoc> SettingDocs() {
  std::vector<SettingDoc> docs;
  for (const Setting& setting : kSettings) {
    docs.push_back({setting.env, setting.flag, setting.value_name, setting.default_value,
                    setting.default_text, setting.help});
  }
  return docs;
}

EnvironmentLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    // Read-only use of the environment, which nothing in this program modifies.
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

int DefaultConnectionLimit() {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  return static_cast<int>(cores) * 2 + 1;
}

std::string DefaultMigrationsDir() {
  // An installed binary (bin/photoflow-migrate, as in the container image)
  // uses the copy installed beside it; a build-tree binary uses the sources.
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path installed =
        executable.parent_path().parent_path() / "share" / "photoflow" / "migrations";
    if (std::filesystem::is_directory(installed, error)) return installed.string();
  }
  return PHOTOFLOW_DEFAULT_MIGRATIONS_DIR;
}

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args,
                                   const EnvironmentLookup& env) {
  // Raw values by environment name: environment first, flags override.
  std::map<std::string_view, std::string> raw;
  for (const Setting& setting : kSettings) {
    if (auto value = env(setting.env)) raw[setting.env] = *value;
  }
  ParsedCommandLine parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    const size_t equals = arg.find('=');
    const std::string_view flag = std::string_view(arg).substr(0, equals);
    const Setting* match = nullptr;
    for (const Setting& setting : kSettings) {
      if (setting.flag == flag) match = &setting;
    }
    if (match == nullptr) throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    if (equals != std::string::npos) {
      raw[match->env] = arg.substr(equals + 1);
    } else if (match->value_name.empty()) {
      raw[match->env] = "true";
    } else if (i + 1 < args.size()) {
      raw[match->env] = args[++i];
    } else {
      throw std::invalid_argument(std::string(flag) + " needs a value");
    }
  }

  Config& config = parsed.config;
  if (const auto url = raw.find("DATABASE_URL"); url == raw.end() || url->second.empty()) {
    throw std::invalid_argument(
        "DATABASE_URL is not set (set the variable or pass --database-url; "
        "deploy/local/run.sh starts an embedded PostgreSQL and sets it for you)");
  }
  for (const Setting& setting : kSettings) {
    if (auto given = raw.find(setting.env); given != raw.end()) {
      setting.apply(config, setting.env, given->second);
    } else if (!setting.default_value.empty()) {
      setting.apply(config, setting.env, std::string(setting.default_value));
    }
  }
  // Derived defaults (their rows' default_text says how).
  config.connection_limit = config.database.connection_limit.value_or(DefaultConnectionLimit());
  config.pool_timeout = config.database.pool_timeout.value_or(std::chrono::seconds(10));
  if (!raw.contains("PHOTOFLOW_POOL_MAX_WAITERS")) {
    config.pool_max_waiters = 4 * config.connection_limit;
  }
  if (!raw.contains("PHOTOFLOW_MAX_CALLS_PER_CALLER")) {
    config.max_calls_per_caller =
        std::max(1, (config.connection_limit + config.pool_max_waiters) / 2);
  }
  if (config.migrations_dir.empty()) config.migrations_dir = DefaultMigrationsDir();
  if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
    throw std::invalid_argument("PHOTOFLOW_TLS_CERT and PHOTOFLOW_TLS_KEY go together: set both");
  }
  if (!config.tls.client_ca_file.empty() && config.tls.cert_file.empty()) {
    throw std::invalid_argument(
        "PHOTOFLOW_TLS_CLIENT_CA needs PHOTOFLOW_TLS_CERT and PHOTOFLOW_TLS_KEY (mutual TLS is "
        "TLS)");
  }
  return parsed;
}

std::string HelpText(std::string_view program) {
  std::ostringstream out;
  out << "Usage: " << program << " [options]\n\n"
      << "PhotoFlow gRPC service (photoflow.v1.TaskService, photoflow.v1.CommentService).\n"
      << "Every setting is read from the environment first; a flag overrides it.\n\n";
  for (const Setting& setting : kSettings) {
    out << "  " << setting.flag;
    if (!setting.value_name.empty()) out << ' ' << setting.value_name;
    const std::string_view shown =
        setting.default_text.empty() ? setting.default_value : setting.default_text;
    const bool required = setting.default_value.empty() && shown == "required";
    out << "\n      env " << setting.env << ", "
        << (required ? std::string("required") : "default " + PlainText(shown)) << ". "
        << setting.help << "\n";
  }
  out << "  --help\n      Print this text and exit.\n\n"
      << "Pool size and wait come from DATABASE_URL: ?connection_limit=N (default 2 x cores + 1)\n"
      << "and ?pool_timeout=SECONDS (default 10, 0 = no limit); ?pgbouncer=true turns prepared\n"
      << "statements and session settings off (PgBouncer in transaction mode).\n";
  return out.str();
}

}  // namespace photoflow::config
