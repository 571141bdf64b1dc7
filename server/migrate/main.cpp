// photoflow-migrate: applies migrations/ to the database in DATABASE_URL.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <pqxx/except>

#include "config/config.hpp"
#include "config/database_url.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "Usage: photoflow-migrate [--database-url URL] [--migrations DIR] COMMAND\n"
    "\n"
    "Commands:\n"
    "  deploy   Apply every pending migration, in name order, each in its own transaction.\n"
    "\n"
    "Options:\n"
    "  --database-url URL  default: $DATABASE_URL (Prisma-style ?schema= is honoured)\n"
    "  --migrations DIR    default: $PHOTOFLOW_MIGRATIONS_DIR, else the source tree's migrations/\n"
    "\n"
    "Exit codes: 0 success, 1 migration or database failure, 2 usage error.\n";

int Usage(const std::string& problem) {
  std::cerr << "photoflow-migrate: " << problem << "\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace photoflow;
  const config::EnvironmentLookup env = config::ProcessEnvironment();
  std::string database_url = env("DATABASE_URL").value_or("");
  std::string migrations_dir =
      env("PHOTOFLOW_MIGRATIONS_DIR").value_or(config::DefaultMigrationsDir());
  std::vector<std::string> commands;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--database-url" || arg == "--migrations") {
      if (i + 1 == args.size()) return Usage(arg + " needs a value");
      (arg == "--database-url" ? database_url : migrations_dir) = args[++i];
    } else if (arg.starts_with("--database-url=")) {
      database_url = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--migrations=")) {
      migrations_dir = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("-")) {
      return Usage("unknown option '" + arg + "'");
    } else {
      commands.push_back(arg);
    }
  }
  if (commands.size() != 1) return Usage("expected exactly one command");
  if (commands[0] != "deploy") return Usage("unknown command '" + commands[0] + "'");
  if (database_url.empty()) return Usage("DATABASE_URL is not set (or pass --database-url)");

  config::DatabaseUrl url;
  std::vector<migrate::MigrationFile> migrations;
  try {
    url = config::ParseDatabaseUrl(database_url);
    migrations = migrate::LoadMigrationFiles(migrations_dir);
  } catch (const std::exception& error) {
    return Usage(error.what());
  }

  try {
    migrate::Migrator migrator(url.libpq_url, url.schema);
    const auto applied = migrator.Deploy(migrations, [](const migrate::AppliedMigration& done) {
      std::cout << "applied " << done.name << " in " << done.duration.count() << " ms" << std::endl;
    });
    std::cout << (applied.empty() ? "database is up to date" : "all migrations applied") << " ("
              << migrations.size() << " in " << migrations_dir << ")" << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "photoflow-migrate: " << error.what() << std::endl;
    return kExitFailure;
  }
}
