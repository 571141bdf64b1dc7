#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/database_url.hpp"
#include "log/logger.hpp"

namespace photoflow::config {

// Everything photoflow-server can be told, resolved to final values.
struct Config {
  DatabaseUrl database;
  std::string listen_address = "0.0.0.0:50051";
  // Empty: no metrics endpoint.
  std::string metrics_listen_address = "0.0.0.0:9464";
  std::chrono::milliseconds db_stats_interval{std::chrono::seconds(15)};
  // Pooled connections are replaced after this; zero keeps them for ever.
  std::chrono::milliseconds pool_max_lifetime{std::chrono::minutes(30)};
  // Pool size: ?connection_limit= or 2 x cores + 1 (Prisma's default).
  int connection_limit = 0;
  // Longest wait for a free connection: ?pool_timeout= or 10 s; zero = no limit.
  std::chrono::milliseconds pool_timeout{0};
  // Calls allowed to wait for a connection at once; more fail at once with
  // RESOURCE_EXHAUSTED. Default 4 x connection_limit.
  int pool_max_waiters = 0;
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
  std::chrono::milliseconds health_check_interval{std::chrono::seconds(5)};
  log::Level log_level = log::Level::kInfo;
  bool migrate_on_start = false;
  std::string migrations_dir;
};

// Reads an environment variable; injected so that tests control the environment.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv).
EnvironmentLookup ProcessEnvironment();

struct ParsedCommandLine {
  bool help = false;
  Config config;
};

// Environment first, then flags override it (12-factor). Throws
// std::invalid_argument naming the setting on bad or missing values.
ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args,
                                   const EnvironmentLookup& env);

// Text for --help: every setting, its variable, flag and default.
std::string HelpText(std::string_view program);

// 2 x hardware threads + 1, as Prisma sizes its pool.
int DefaultConnectionLimit();

// Where migrations are read from when nothing says otherwise: the installed
// copy (<prefix>/share/photoflow/migrations) for an installed binary, else
// the source tree's migrations/.
std::string DefaultMigrationsDir();

}  // namespace photoflow::config
