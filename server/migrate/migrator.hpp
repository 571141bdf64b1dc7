#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/migration_files.hpp"
#include "migrate/status.hpp"

namespace photoflow::migrate {

// A command could not finish: a migration failed, the history blocks it (a
// failed or modified migration), or the state does not allow it (exit 1).
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another deployer held the migration lock for longer than the lock timeout.
class LockTimeout : public MigrationError {
 public:
  using MigrationError::MigrationError;
};

struct AppliedMigration {
  std::string name;
  std::chrono::milliseconds duration{0};
};

struct MigratorOptions {
  // libpq URL without Prisma-only parameters; `schema` empty for the default.
  std::string libpq_url;
  std::string schema;
  // How long to wait for the migration lock before giving up (LockTimeout).
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(10)};
};

// Applies migrations and keeps their history in "_prisma_migrations", the
// table of Prisma Migrate, with its columns and checksums: databases migrated
// by the PhotoFlow Prisma app and by us are interchangeable. Every command
// that writes holds Prisma's advisory lock, so concurrent deployers (replicas,
// Jobs, the Prisma CLI) never apply a migration twice.
class Migrator {
 public:
  explicit Migrator(MigratorOptions options);
  Migrator(std::string libpq_url, std::string schema)
      : Migrator(MigratorOptions{std::move(libpq_url), std::move(schema)}) {}

  using AppliedCallback = std::function<void(const AppliedMigration&)>;

  // Applies every pending migration in name order, each in its own
  // transaction, calling `on_applied` after each. Refuses (MigrationError)
  // while a migration is failed or modified. Returns what it applied.
  std::vector<AppliedMigration> Deploy(const std::vector<MigrationFile>& files,
                                       const AppliedCallback& on_applied = {});

  // Where every migration stands; reads only, takes no lock.
  StatusReport Status(const std::vector<MigrationFile>& files);

  // Records `name` as applied without running it: to baseline a database
  // whose schema exists without history, or after finishing a failed
  // migration by hand.
  void ResolveApplied(const std::vector<MigrationFile>& files, const std::string& name);

  // Marks the failed migration `name` rolled back, so deploy runs it again.
  void ResolveRolledBack(const std::vector<MigrationFile>& files, const std::string& name);

  // Drops the schema with everything in it, recreates it and applies every
  // migration. Destroys all data: the CLI requires --force.
  std::vector<AppliedMigration> Reset(const std::vector<MigrationFile>& files,
                                      const AppliedCallback& on_applied = {});

 private:
  MigratorOptions options_;
};

}  // namespace photoflow::migrate
