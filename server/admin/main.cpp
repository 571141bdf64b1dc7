// photoflow-admin: backup, restore, archive, unarchive, vacuum and stats for
// PhotoFlow's database (docs/operations.md). A binary of its own rather than
// more photoflow-migrate commands: migrate owns the schema and runs on every
// deploy with a Prisma-compatible command line; these work on the data, on
// schedules (the CronJobs in deploy/k8s) or by hand, and need PostgreSQL's
// client programs, which the migrate Job does not.
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <pqxx/except>

#include "admin/archive.hpp"
#include "admin/backup.hpp"
#include "admin/database.hpp"
#include "admin/maintenance.hpp"
#include "admin/options.hpp"

namespace {

using namespace photoflow;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Run(const admin::Options& options, const config::DatabaseUrl& url) {
  if (options.command == "backup") return admin::Backup(options, url);
  if (options.command == "restore") return admin::Restore(options, url);
  admin::Database database(url);
  if (options.command == "archive") return admin::Archive(options, database);
  if (options.command == "unarchive") return admin::Unarchive(options, database);
  if (options.command == "vacuum") return admin::Vacuum(options, database);
  return admin::Stats(options, database);
}

}  // namespace

int main(int argc, char** argv) {
  // A restore writes into psql's stdin; if psql stops at an error, the write
  // must fail (EPIPE) rather than kill this process before it reports.
  std::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  admin::Options options;
  config::DatabaseUrl url;
  try {
    options = admin::ParseOptions(args, static_cast<long long>(std::time(nullptr)));
    if (options.help) {
      std::cout << admin::Usage(options.command);
      return 0;
    }
    if (options.database_url.empty()) {
      const char* from_env = std::getenv("DATABASE_URL");  // NOLINT(concurrency-mt-unsafe)
      options.database_url = from_env != nullptr ? from_env : "";
    }
    if (options.check_args) {
      std::cout << "photoflow-admin: the command line is valid" << std::endl;
      return 0;
    }
    url = admin::Database::ParseUrl(options.database_url);
  } catch (const admin::UsageError& error) {
    std::cerr << "photoflow-admin: " << error.what() << "\n\n" << admin::Usage(options.command);
    return kExitUsage;
  }
  try {
    return Run(options, url);
  } catch (const pqxx::broken_connection& error) {
    std::cerr << "photoflow-admin: cannot reach the database (" << url.redacted
              << "): " << error.what() << std::endl;
  } catch (const std::exception& error) {
    std::cerr << "photoflow-admin: " << options.command << " failed: " << error.what() << std::endl;
  }
  return kExitFailure;
}
