// photoflow-server: wiring, signals (SIGTERM/SIGINT shut down, SIGHUP
// reloads the tokens file) and graceful shutdown; `photoflow-server token`
// makes a bearer token.
#include <pthread.h>
#include <csignal>
#include <iostream>
#include <string_view>

#include "app/photoflow_server.hpp"
#include "app/token_command.hpp"
#include "config/config.hpp"
#include "log/logger.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace photoflow;
  // Block the shutdown signals in every thread (threads inherit the mask) and
  // take them synchronously below with sigwait: no async-signal-safety traps.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  if (argc > 1 && std::string_view(argv[1]) == "token") {
    return app::RunTokenCommand(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                std::cerr);
  }
  config::ParsedCommandLine parsed;
  try {
    parsed = config::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc),
                                      config::ProcessEnvironment());
  } catch (const std::exception& error) {
    std::cerr << "photoflow-server: " << error.what() << "\n";
    return kExitUsage;
  }
  if (parsed.help) {
    std::cout << config::HelpText("photoflow-server");
    return 0;
  }
  const config::Config& config = parsed.config;
  log::Logger logger(std::cerr, config.log_level);

  try {
    if (config.migrate_on_start) {
      migrate::Migrator migrator(config.database.libpq_url, config.database.schema);
      migrator.Deploy(migrate::LoadMigrationFiles(config.migrations_dir),
                      [&logger](const migrate::AppliedMigration& done) {
                        logger.Info("migration_applied",
                                    {{"name", done.name},
                                     {"duration_ms", static_cast<int64_t>(done.duration.count())}});
                      });
    }
    app::PhotoflowServer server(config, logger);
    server.Start();
    int signal_number = 0;
    for (;;) {
      sigwait(&shutdown_signals, &signal_number);
      if (signal_number != SIGHUP) break;
      logger.Info("signal_received", {{"signal", "SIGHUP"}});
      server.ReloadCredentials();
    }
    logger.Info("signal_received", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.Shutdown(config.shutdown_grace);
    return 0;
  } catch (const std::exception& error) {
    logger.Error("fatal", {{"message", error.what()}});
    return kExitFailure;
  }
}
