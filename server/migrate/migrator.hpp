#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/migration_files.hpp"

namespace photoflow::migrate {

// Deploy could not finish: a migration failed, or an earlier failure blocks it.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AppliedMigration {
  std::string name;
  std::chrono::milliseconds duration{0};
};

// Applies migrations and records them in "_prisma_migrations", the history
// table of Prisma Migrate, with its columns and checksums, so that databases
// migrated by the PhotoFlow Prisma app and by us are interchangeable.
class Migrator {
 public:
  // `libpq_url` without Prisma-only parameters; `schema` empty for the default.
  Migrator(std::string libpq_url, std::string schema);

  // Applies every pending migration in name order, each in its own
  // transaction, under Prisma's advisory lock so that concurrent deployers
  // (replicas, Jobs, the Prisma CLI) apply each migration once. Calls
  // `on_applied` after each one. Returns what was applied.
  std::vector<AppliedMigration> Deploy(
      const std::vector<MigrationFile>& migrations,
      const std::function<void(const AppliedMigration&)>& on_applied = {});

 private:
  std::string libpq_url_;
  std::string schema_;
};

}  // namespace photoflow::migrate
