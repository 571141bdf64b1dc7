// photoflow-migrate: Prisma-compatible migrations for the PhotoFlow database.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/except>

#include "config/config.hpp"
#include "config/database_url.hpp"
#include "config/values.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "migrate/status.hpp"

namespace {

using namespace photoflow;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "Usage: photoflow-migrate [options] COMMAND\n"
    "\n"
    "Commands:\n"
    "  deploy                      Apply every pending migration in name order, each in its own\n"
    "                              transaction. Refuses while a migration is failed or modified.\n"
    "  status [--json]             Show applied, pending, failed, modified and missing-locally\n"
    "                              migrations. Exit 0 only when the database is up to date.\n"
    "  resolve --applied NAME      Record NAME as applied without running it (baseline a database\n"
    "                              whose schema exists, or after finishing a failed one by hand).\n"
    "  resolve --rolled-back NAME  Mark the failed migration NAME rolled back; deploy reruns it.\n"
    "  reset --force               DROP the schema with all its data, recreate it, apply all.\n"
    "  new NAME                    Create migrations/<UTC yyyymmddHHMMSS>_NAME/migration.sql.\n"
    "\n"
    "Options:\n"
    "  --database-url URL      default $DATABASE_URL (Prisma-style ?schema= is honoured)\n"
    "  --migrations DIR        default $PHOTOFLOW_MIGRATIONS_DIR, else the source tree's "
    "migrations/\n"
    "  --lock-timeout SECONDS  wait for the migration lock (Prisma's advisory lock) at most this\n"
    "                          long; default 10\n"
    "\n"
    "Exit codes: 0 success (status: up to date), 1 failure (status: not up to date),\n"
    "2 usage error (nothing was changed).\n";

// A command line that cannot run; nothing has touched the database.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int Usage(const std::string& problem) {
  std::cerr << "photoflow-migrate: " << problem << "\n\n" << kUsage;
  return kExitUsage;
}

struct Arguments {
  std::vector<std::string> positional;
  std::string database_url;
  std::string migrations_dir;
  std::string lock_timeout = "10";
  std::optional<std::string> applied;
  std::optional<std::string> rolled_back;
  bool json = false;
  bool force = false;
  bool help = false;
};

// Throws UsageError for unknown options or missing values.
Arguments Parse(const std::vector<std::string>& args, const config::EnvironmentLookup& env) {
  Arguments parsed;
  parsed.database_url = env("DATABASE_URL").value_or("");
  parsed.migrations_dir = env("PHOTOFLOW_MIGRATIONS_DIR").value_or(config::DefaultMigrationsDir());
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (const size_t equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
      inline_value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 == args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
    } else if (arg == "--database-url") {
      parsed.database_url = value();
    } else if (arg == "--migrations") {
      parsed.migrations_dir = value();
    } else if (arg == "--lock-timeout") {
      parsed.lock_timeout = value();
    } else if (arg == "--applied") {
      parsed.applied = value();
    } else if (arg == "--rolled-back") {
      parsed.rolled_back = value();
    } else if (arg == "--json" && !inline_value) {
      parsed.json = true;
    } else if (arg == "--force" && !inline_value) {
      parsed.force = true;
    } else if (arg.starts_with("-")) {
      throw UsageError("unknown option '" + args[i] + "'");
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

void PrintApplied(const migrate::AppliedMigration& done) {
  std::cout << "applied " << done.name << " in " << done.duration.count() << " ms" << std::endl;
}

int RunCommand(const Arguments& args) {
  const std::string& command = args.positional.at(0);
  const bool resolve = command == "resolve";
  if ((args.applied || args.rolled_back) && !resolve) {
    throw UsageError("--applied and --rolled-back belong to `resolve`");
  }
  if (args.json && command != "status") throw UsageError("--json belongs to `status`");
  if (args.force && command != "reset") throw UsageError("--force belongs to `reset`");

  if (command == "new") {
    if (args.positional.size() != 2) throw UsageError("usage: new NAME");
    const auto folder = migrate::CreateMigrationFolder(args.migrations_dir, args.positional[1],
                                                       std::chrono::system_clock::now());
    std::cout << "created " << (folder / "migration.sql").string() << std::endl;
    return 0;
  }
  if (command != "deploy" && command != "status" && !resolve && command != "reset") {
    throw UsageError("unknown command '" + command + "'");
  }
  if (args.positional.size() != 1) throw UsageError("too many arguments");
  if (resolve && args.applied.has_value() == args.rolled_back.has_value()) {
    throw UsageError("resolve needs exactly one of --applied NAME or --rolled-back NAME");
  }
  if (resolve && !migrate::IsValidMigrationName(args.applied.value_or(*args.rolled_back))) {
    throw UsageError("'" + args.applied.value_or(*args.rolled_back) +
                     "' is not a migration name (<14-digit UTC timestamp>_<snake_case_name>)");
  }
  if (command == "reset" && !args.force) {
    throw UsageError(
        "reset drops the schema and every row in it; pass --force if that is what you want");
  }
  if (args.database_url.empty())
    throw UsageError("DATABASE_URL is not set (or pass --database-url)");
  config::DatabaseUrl url;
  std::chrono::milliseconds lock_timeout{0};
  std::vector<migrate::MigrationFile> files;
  try {
    url = config::ParseDatabaseUrl(args.database_url);
    lock_timeout = config::ParseSeconds("--lock-timeout", args.lock_timeout, 0, 86400);
    files = migrate::LoadMigrationFiles(args.migrations_dir);
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  } catch (const migrate::MigrationFilesError& error) {
    throw UsageError(error.what());
  }
  if (url.pgbouncer) {
    // The migration lock and search_path belong to a session, which a
    // transaction-mode pooler does not keep; Prisma asks for a direct URL too.
    throw UsageError(
        "DATABASE_URL has pgbouncer=true: migrations need a direct connection to PostgreSQL "
        "(session-level advisory lock), not one through PgBouncer");
  }

  migrate::Migrator migrator({url.libpq_url, url.schema, lock_timeout});
  if (command == "deploy") {
    const auto applied = migrator.Deploy(files, PrintApplied);
    std::cout << (applied.empty() ? "database is up to date" : "all migrations applied") << " ("
              << files.size() << " in " << args.migrations_dir << ")" << std::endl;
    try {
      for (const auto* missing :
           migrator.Status(files).With(migrate::MigrationState::kMissingLocally)) {
        std::cerr << "photoflow-migrate: warning: " << missing->name
                  << " is applied in the database but has no folder in " << args.migrations_dir
                  << " (is this checkout older than the database?)" << std::endl;
      }
    } catch (const std::exception& error) {
      std::cerr << "photoflow-migrate: warning: could not check for missing migrations: "
                << error.what() << std::endl;
    }
    return 0;
  }
  if (command == "status") {
    const migrate::StatusReport report = migrator.Status(files);
    std::cout << (args.json ? migrate::StatusJson(report) : migrate::StatusText(report));
    return report.UpToDate() ? 0 : kExitFailure;
  }
  if (command == "reset") {
    migrator.Reset(files, PrintApplied);
    std::cout << "schema reset; " << files.size() << " migrations applied" << std::endl;
    return 0;
  }
  if (args.applied) {
    migrator.ResolveApplied(files, *args.applied);
    std::cout << "recorded " << *args.applied << " as applied" << std::endl;
  } else {
    migrator.ResolveRolledBack(files, *args.rolled_back);
    std::cout << "marked " << *args.rolled_back << " as rolled back" << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  try {
    args = Parse(std::vector<std::string>(argv + 1, argv + argc), config::ProcessEnvironment());
  } catch (const UsageError& error) {
    return Usage(error.what());
  }
  if (args.help) {
    std::cout << kUsage;
    return 0;
  }
  if (args.positional.empty()) return Usage("no command given");
  try {
    return RunCommand(args);
  } catch (const UsageError& error) {
    return Usage(error.what());
  } catch (const migrate::MigrationFilesError& error) {  // resolve of a name with no folder
    return Usage(error.what());
  } catch (const pqxx::broken_connection& error) {
    std::cerr << "photoflow-migrate: cannot connect to PostgreSQL: " << error.what() << std::endl;
    return kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "photoflow-migrate: " << error.what() << std::endl;
    return kExitFailure;
  }
}
