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

// gRPC over TLS: all empty for plaintext.
struct TlsFiles {
  std::string cert_file;       // PEM certificate chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM CA bundle: set for mutual TLS
  bool enabled() const { return !cert_file.empty(); }
};

// Everything photoflow-server can be told, resolved to final values. The
// defaults live in the settings table (config.cpp, one row per setting), not
// here: ParseCommandLine fills every member.
struct Config {
  DatabaseUrl database;
  std::string listen_address;
  // Empty: no metrics endpoint.
  std::string metrics_listen_address;
  std::chrono::milliseconds db_stats_interval{0};
  // Pooled connections are replaced after this; zero keeps them for ever.
  std::chrono::milliseconds pool_max_lifetime{0};
  // Pool size: ?connection_limit= or 2 x cores + 1 (Prisma's default).
  int connection_limit = 0;
  // Longest wait for a free connection: ?pool_timeout= or 10 s; zero = no limit.
  std::chrono::milliseconds pool_timeout{0};
  // Calls allowed to wait for a connection at once; more fail at once with
  // RESOURCE_EXHAUSTED. Default 4 x connection_limit.
  int pool_max_waiters = 0;
  // Most calls one batched statement serves; 1: no batching.
  int batch_max_calls = 1;
  // Largest request message accepted, in bytes.
  int max_message_bytes = 0;
  // Calls one HTTP/2 connection may have open at once.
  int max_concurrent_streams = 0;
  // A connection's age before GOAWAY (zero: no limit), and the grace its
  // calls in flight get afterwards.
  std::chrono::milliseconds max_connection_age{0};
  std::chrono::milliseconds max_connection_age_grace{0};
  // WatchTasks: the change log's retention (age, rows), the events a stream
  // may hold for a slow client, and how often the log is read without a
  // notification and an idle stream gets a bookmark.
  std::chrono::milliseconds watch_retention{0};
  int watch_retention_rows = 0;
  int watch_buffer_events = 0;
  std::chrono::milliseconds watch_poll_interval{0};
  std::chrono::milliseconds watch_batch_window{0};
  std::chrono::milliseconds watch_bookmark_interval{0};
  TlsFiles tls;
  // Empty: no authentication.
  std::string auth_tokens_file;
  // How often the TLS and tokens files are checked for changes.
  std::chrono::milliseconds reload_interval{0};
  bool reflection = true;
  // Calls in flight per token caller (with authentication on); 0: no limit.
  int max_calls_per_caller = 0;
  // An "rpc" log line for every call of the services.
  bool access_log = false;
  std::chrono::milliseconds shutdown_grace{0};
  std::chrono::milliseconds health_check_interval{0};
  log::Level log_level = log::Level::kInfo;
  bool migrate_on_start = false;
  std::string migrations_dir;
};

// One setting as --help and the README table show it.
struct SettingDoc {
  std::string_view env;
  std::string_view flag;
  std::string_view value_name;     // empty for boolean switches
  std::string_view default_value;  // empty when derived from other settings
  std::string_view default_text;   // how a derived default is shown (Markdown)
  std::string_view help;
};

// Every setting, in --help order.
std::vector<SettingDoc> SettingDocs();

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
