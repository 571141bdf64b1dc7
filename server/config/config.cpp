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

// One configurable setting: its environment variable and its flag.
struct Setting {
  std::string_view env;
  std::string_view flag;
  std::string_view value_name;  // empty for boolean switches
  std::string_view default_text;
  std::string_view help;
};

constexpr Setting kSettings[] = {
    {"DATABASE_URL", "--database-url", "URL", "(required)",
     "PostgreSQL URL. Prisma-style parameters connection_limit, pool_timeout, schema and "
     "pgbouncer are honoured and never passed to libpq."},
    {"PHOTOFLOW_LISTEN", "--listen", "HOST:PORT", "0.0.0.0:50051", "gRPC listen address."},
    {"PHOTOFLOW_METRICS_LISTEN", "--metrics-listen", "HOST:PORT", "0.0.0.0:9464",
     "Prometheus /metrics listen address (HTTP); empty turns metrics off."},
    {"PHOTOFLOW_DB_STATS_INTERVAL", "--db-stats-interval", "SECONDS", "15",
     "How often database and table sizes, row counts and connection states are read for "
     "/metrics (never on the scrape itself)."},
    {"PHOTOFLOW_POOL_MAX_LIFETIME", "--pool-max-lifetime", "SECONDS", "1800",
     "Pooled connections older than this are closed and replaced (spread by up to 10%); 0 keeps "
     "them for ever."},
    {"PHOTOFLOW_POOL_MAX_WAITERS", "--pool-max-waiters", "N", "4 x connection_limit",
     "Calls that may wait for a database connection at once; more fail at once with "
     "RESOURCE_EXHAUSTED."},
    {"PHOTOFLOW_SHUTDOWN_GRACE", "--shutdown-grace", "SECONDS", "10",
     "On SIGTERM/SIGINT, how long in-flight calls may take to finish."},
    {"PHOTOFLOW_HEALTH_INTERVAL", "--health-interval", "SECONDS", "5",
     "How often the database is probed for grpc.health.v1."},
    {"PHOTOFLOW_LOG_LEVEL", "--log-level", "LEVEL", "info", "debug, info, warn or error."},
    {"PHOTOFLOW_MIGRATE", "--migrate", "", "false",
     "Apply pending migrations (photoflow-migrate deploy) before serving."},
    {"PHOTOFLOW_MIGRATIONS_DIR", "--migrations", "DIR",
     "the installed share/photoflow/migrations, else the source tree's migrations/",
     "Folder of <timestamp>_<name>/migration.sql migrations."},
};

void CheckListenAddress(std::string_view name, const std::string& value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon + 1 == value.size()) {
    throw std::invalid_argument(std::string(name) + " must look like HOST:PORT, got '" + value +
                                "'");
  }
}

}  // namespace

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
  const auto database_url = raw.find("DATABASE_URL");
  if (database_url == raw.end() || database_url->second.empty()) {
    throw std::invalid_argument(
        "DATABASE_URL is not set (set the variable or pass --database-url; "
        "deploy/local/run.sh starts an embedded PostgreSQL and sets it for you)");
  }
  config.database = ParseDatabaseUrl(database_url->second);
  config.connection_limit = config.database.connection_limit.value_or(DefaultConnectionLimit());
  config.pool_timeout = config.database.pool_timeout.value_or(std::chrono::seconds(10));
  config.pool_max_waiters = 4 * config.connection_limit;
  if (auto it = raw.find("PHOTOFLOW_POOL_MAX_WAITERS"); it != raw.end()) {
    config.pool_max_waiters =
        ParseWholeNumber("PHOTOFLOW_POOL_MAX_WAITERS", it->second, 0, 1000000);
  }

  if (auto it = raw.find("PHOTOFLOW_LISTEN"); it != raw.end()) {
    CheckListenAddress("PHOTOFLOW_LISTEN", it->second);
    config.listen_address = it->second;
  }
  if (auto it = raw.find("PHOTOFLOW_METRICS_LISTEN"); it != raw.end()) {
    if (!it->second.empty()) CheckListenAddress("PHOTOFLOW_METRICS_LISTEN", it->second);
    config.metrics_listen_address = it->second;
  }
  if (auto it = raw.find("PHOTOFLOW_DB_STATS_INTERVAL"); it != raw.end()) {
    config.db_stats_interval = ParseSeconds("PHOTOFLOW_DB_STATS_INTERVAL", it->second, 0.1, 86400);
  }
  if (auto it = raw.find("PHOTOFLOW_POOL_MAX_LIFETIME"); it != raw.end()) {
    config.pool_max_lifetime = ParseSeconds("PHOTOFLOW_POOL_MAX_LIFETIME", it->second, 0, 604800);
  }
  if (auto it = raw.find("PHOTOFLOW_SHUTDOWN_GRACE"); it != raw.end()) {
    config.shutdown_grace = ParseSeconds("PHOTOFLOW_SHUTDOWN_GRACE", it->second, 0, 3600);
  }
  if (auto it = raw.find("PHOTOFLOW_HEALTH_INTERVAL"); it != raw.end()) {
    config.health_check_interval = ParseSeconds("PHOTOFLOW_HEALTH_INTERVAL", it->second, 0.1, 3600);
  }
  if (auto it = raw.find("PHOTOFLOW_LOG_LEVEL"); it != raw.end()) {
    config.log_level = log::ParseLevel(it->second);
  }
  if (auto it = raw.find("PHOTOFLOW_MIGRATE"); it != raw.end()) {
    config.migrate_on_start = ParseBool("PHOTOFLOW_MIGRATE", it->second);
  }
  const auto migrations = raw.find("PHOTOFLOW_MIGRATIONS_DIR");
  config.migrations_dir = migrations != raw.end() && !migrations->second.empty()
                              ? migrations->second
                              : DefaultMigrationsDir();
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
    out << "\n      env " << setting.env << ", default " << setting.default_text << ". "
        << setting.help << "\n";
  }
  out << "  --help\n      Print this text and exit.\n\n"
      << "Pool size and wait come from DATABASE_URL: ?connection_limit=N (default 2 x cores + 1)\n"
      << "and ?pool_timeout=SECONDS (default 10, 0 = no limit); ?pgbouncer=true turns prepared\n"
      << "statements and session settings off (PgBouncer in transaction mode).\n";
  return out.str();
}

}  // namespace photoflow::config
