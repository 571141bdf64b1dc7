#include "migrate/migrator.hpp"

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include "migrate/history.hpp"

namespace photoflow::migrate {
namespace {

// Prisma Migrate's advisory lock key: holding it excludes Prisma too.
constexpr int64_t kPrismaAdvisoryLockKey = 72707369;

// Holds the session-level advisory lock; released on every path (and by
// PostgreSQL itself if the connection dies).
class AdvisoryLock {
 public:
  AdvisoryLock(pqxx::connection& connection, std::chrono::milliseconds timeout)
      : connection_(connection) {
    pqxx::nontransaction session(connection_);
    // lock_timeout bounds the wait for the advisory lock; reset right after,
    // so that it never applies to the migrations themselves.
    session.exec_params("SELECT pg_catalog.set_config('lock_timeout', $1, false)",
                        std::to_string(std::max<int64_t>(timeout.count(), 1)));
    try {
      session.exec_params("SELECT pg_advisory_lock($1)", kPrismaAdvisoryLockKey);
    } catch (const pqxx::sql_error& error) {
      if (error.sqlstate() != "55P03") throw;
      throw LockTimeout("could not take the migration lock (advisory lock " +
                        std::to_string(kPrismaAdvisoryLockKey) + ") within " +
                        std::to_string(timeout.count()) +
                        " ms: another photoflow-migrate or `prisma migrate` is running against "
                        "this database; try again when it has finished (or raise --lock-timeout)");
    }
    session.exec("SELECT pg_catalog.set_config('lock_timeout', '0', false)");
  }
  ~AdvisoryLock() {
    try {
      pqxx::nontransaction(connection_)
          .exec_params("SELECT pg_advisory_unlock($1)", kPrismaAdvisoryLockKey);
    } catch (const std::exception&) {
      // The lock dies with the session; closing the connection releases it.
    }
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  pqxx::connection& connection_;
};

// The schema commands work in: the configured one, else the connection's
// current schema (normally "public").
std::string TargetSchema(pqxx::connection& connection, const std::string& configured) {
  if (!configured.empty()) return configured;
  const pqxx::result current = pqxx::nontransaction(connection).exec("SELECT current_schema()");
  return current[0][0].is_null() ? "public" : current[0][0].as<std::string>();
}

// Makes `schema` the connection's only schema, creating it when asked to.
// The name comes from the operator's DATABASE_URL, never from a request, and
// is quoted as an identifier.
void UseSchema(pqxx::connection& connection, const std::string& schema, bool create) {
  if (schema.empty()) return;
  pqxx::nontransaction setup(connection);
  if (create) setup.exec("CREATE SCHEMA IF NOT EXISTS " + connection.quote_name(schema));
  setup.exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                    connection.quote_name(schema));
}

StatusReport ReadStatus(pqxx::connection& connection, const std::vector<MigrationFile>& files) {
  pqxx::read_transaction txn(connection);
  return AssessStatus(files, history::Read(txn));
}

const MigrationFile& FindFile(const std::vector<MigrationFile>& files, const std::string& name) {
  for (const MigrationFile& file : files) {
    if (file.name == name) return file;
  }
  throw MigrationFilesError("there is no migration folder named '" + name + "'");
}

const MigrationStatus* FindStatus(const StatusReport& report, const std::string& name) {
  for (const MigrationStatus& status : report.migrations) {
    if (status.name == name) return &status;
  }
  return nullptr;
}

void RefuseBlockedDeploy(const StatusReport& report) {
  if (const auto failed = report.With(MigrationState::kFailed); !failed.empty()) {
    const std::string& name = failed.front()->name;
    throw MigrationError("migration " + name +
                         " failed earlier and blocks deploy: fix the database, then run "
                         "`photoflow-migrate resolve --rolled-back " +
                         name + "` to run it again, or `photoflow-migrate resolve --applied " +
                         name + "` if you completed it by hand");
  }
  if (const auto modified = report.With(MigrationState::kModified); !modified.empty()) {
    std::string names;
    for (const MigrationStatus* migration : modified) names += " " + migration->name;
    throw MigrationError("migrations were edited after they were applied:" + names +
                         " (their SHA-256 differs from _prisma_migrations); restore the applied "
                         "files and put changes in a new migration (`photoflow-migrate new NAME`)");
  }
}

// Applies the pending migrations of `report`, each in its own transaction
// together with its history row. Requires the lock.
std::vector<AppliedMigration> ApplyPending(pqxx::connection& connection,
                                           const std::vector<MigrationFile>& files,
                                           const StatusReport& report,
                                           const Migrator::AppliedCallback& on_applied) {
  std::vector<AppliedMigration> applied;
  for (const MigrationFile& migration : files) {
    const MigrationStatus* status = FindStatus(report, migration.name);
    if (status != nullptr && status->state != MigrationState::kPending) continue;
    const auto started = std::chrono::steady_clock::now();
    try {
      pqxx::work txn(connection);
      history::RecordStarted(txn, migration);
      txn.exec(migration.sql);
      history::RecordFinished(txn, migration);
      txn.commit();
    } catch (const pqxx::sql_error& error) {
      pqxx::work record(connection);
      history::RecordFailed(record, migration, error.what());
      record.commit();
      throw MigrationError("migration " + migration.name +
                           " failed and was rolled back; it is recorded as failed and blocks "
                           "deploy until resolved. PostgreSQL said: " +
                           error.what());
    }
    AppliedMigration result{migration.name, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - started)};
    if (on_applied) on_applied(result);
    applied.push_back(std::move(result));
  }
  return applied;
}

}  // namespace

Migrator::Migrator(MigratorOptions options) : options_(std::move(options)) {}

std::vector<AppliedMigration> Migrator::Deploy(const std::vector<MigrationFile>& files,
                                               const AppliedCallback& on_applied) {
  pqxx::connection connection(options_.libpq_url);
  const AdvisoryLock lock(connection, options_.lock_timeout);  // before anything changes
  UseSchema(connection, options_.schema, /*create=*/true);
  {
    pqxx::work txn(connection);
    history::EnsureTable(txn);
    txn.commit();
  }
  const StatusReport report = ReadStatus(connection, files);
  RefuseBlockedDeploy(report);
  return ApplyPending(connection, files, report, on_applied);
}

StatusReport Migrator::Status(const std::vector<MigrationFile>& files) {
  pqxx::connection connection(options_.libpq_url);
  UseSchema(connection, options_.schema, /*create=*/false);
  return ReadStatus(connection, files);
}

void Migrator::ResolveApplied(const std::vector<MigrationFile>& files, const std::string& name) {
  const MigrationFile& file = FindFile(files, name);
  pqxx::connection connection(options_.libpq_url);
  const AdvisoryLock lock(connection, options_.lock_timeout);
  UseSchema(connection, options_.schema, /*create=*/true);
  pqxx::work txn(connection);
  history::EnsureTable(txn);
  const StatusReport report = AssessStatus(files, history::Read(txn));
  const MigrationStatus* status = FindStatus(report, name);
  if (status->state == MigrationState::kApplied || status->state == MigrationState::kModified) {
    throw MigrationError("migration " + name + " is already recorded as applied");
  }
  if (status->state == MigrationState::kFailed) history::MarkFailedRolledBack(txn, name);
  history::RecordAppliedWithoutRunning(txn, file);
  txn.commit();
}

void Migrator::ResolveRolledBack(const std::vector<MigrationFile>& files, const std::string& name) {
  pqxx::connection connection(options_.libpq_url);
  const AdvisoryLock lock(connection, options_.lock_timeout);
  UseSchema(connection, options_.schema, /*create=*/false);
  pqxx::work txn(connection);
  const StatusReport report = AssessStatus(files, history::Read(txn));
  const MigrationStatus* status = FindStatus(report, name);
  if (status == nullptr || status->state != MigrationState::kFailed) {
    throw MigrationError("migration " + name +
                         " is not in a failed state; only failed migrations can be marked "
                         "rolled back");
  }
  history::MarkFailedRolledBack(txn, name);
  txn.commit();
}

std::vector<AppliedMigration> Migrator::Reset(const std::vector<MigrationFile>& files,
                                              const AppliedCallback& on_applied) {
  pqxx::connection connection(options_.libpq_url);
  const AdvisoryLock lock(connection, options_.lock_timeout);
  const std::string schema = TargetSchema(connection, options_.schema);
  {
    pqxx::work txn(connection);
    txn.exec("DROP SCHEMA IF EXISTS " + connection.quote_name(schema) + " CASCADE");
    txn.exec("CREATE SCHEMA " + connection.quote_name(schema));
    txn.commit();
  }
  UseSchema(connection, schema, /*create=*/false);
  {
    pqxx::work txn(connection);
    history::EnsureTable(txn);
    txn.commit();
  }
  return ApplyPending(connection, files, ReadStatus(connection, files), on_applied);
}

}  // namespace photoflow::migrate
