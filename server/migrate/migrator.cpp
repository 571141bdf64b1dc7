#include "migrate/migrator.hpp"

#include <optional>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include "db/connection_settings.hpp"
#include "migrate/history.hpp"

namespace photoflow::migrate {
namespace {

// Prisma Migrate's advisory lock key: holding it excludes Prisma too.
constexpr int64_t kPrismaAdvisoryLockKey = 72707369;

// One connection to the target schema, optionally holding the migration lock
// (session-level: released on every path, and by PostgreSQL itself if the
// connection dies; reconnection is disabled so that it cannot be lost
// silently).
class MigrationSession {
 public:
  enum class Lock { kNone, kExclusive };

  MigrationSession(const MigratorOptions& options, Lock lock, bool create_schema)
      : connection_(options.libpq_url) {
    db::DisableReactivation(connection_);
    if (lock == Lock::kExclusive) TakeLock(options.lock_timeout);  // before anything changes
    schema_ = options.schema;
    if (schema_.empty()) {
      const pqxx::result current =
          pqxx::nontransaction(connection_).exec("SELECT current_schema()");
      schema_ = current[0][0].is_null() ? "public" : current[0][0].as<std::string>();
    }
    if (create_schema) {
      // The schema name comes from the operator's DATABASE_URL, never from a
      // request, and is quoted as an identifier.
      pqxx::nontransaction(connection_)
          .exec("CREATE SCHEMA IF NOT EXISTS " + connection_.quote_name(schema_));
    }
    UseSchema();
    history_table_ = connection_.quote_name(schema_) + ".\"_prisma_migrations\"";
  }

  ~MigrationSession() {
    if (!locked_) return;
    try {
      pqxx::nontransaction(connection_)
          .exec_params("SELECT pg_advisory_unlock($1)", kPrismaAdvisoryLockKey);
    } catch (const std::exception&) {
      // The lock dies with the session, which closes right after.
    }
  }
  MigrationSession(const MigrationSession&) = delete;
  MigrationSession& operator=(const MigrationSession&) = delete;

  pqxx::connection& connection() { return connection_; }
  const std::string& schema() const { return schema_; }
  const std::string& history_table() const { return history_table_; }

  // Makes the target schema the only one on search_path (again: a migration
  // may have changed it).
  void UseSchema() {
    pqxx::nontransaction(connection_)
        .exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                     connection_.quote_name(schema_));
  }

  void EnsureHistoryTable() {
    pqxx::work txn(connection_);
    history::EnsureTable(txn, history_table_);
    txn.commit();
  }

  StatusReport ReadStatus(const std::vector<MigrationFile>& files) {
    pqxx::read_transaction txn(connection_);
    return AssessStatus(files, history::Read(txn, history_table_));
  }

 private:
  void TakeLock(std::chrono::milliseconds timeout) {
    pqxx::nontransaction session(connection_);
    // lock_timeout bounds the wait; RESET right after restores the role's or
    // database's own setting for the migrations themselves.
    session.exec_params("SELECT pg_catalog.set_config('lock_timeout', $1, false)",
                        std::to_string(std::max<int64_t>(timeout.count(), 1)));
    try {
      session.exec_params("SELECT pg_advisory_lock($1)", kPrismaAdvisoryLockKey);
    } catch (const pqxx::sql_error& error) {
      // 55P03: lock_timeout; 57014: a statement_timeout set for the role.
      if (error.sqlstate() != "55P03" && error.sqlstate() != "57014") throw;
      throw LockTimeout("could not take the migration lock (advisory lock " +
                        std::to_string(kPrismaAdvisoryLockKey) + ") within " +
                        std::to_string(timeout.count()) +
                        " ms: another photoflow-migrate or `prisma migrate` is running against "
                        "this database; try again when it has finished (or raise --lock-timeout)");
    }
    locked_ = true;
    session.exec("RESET lock_timeout");
  }

  pqxx::connection connection_;
  bool locked_ = false;
  std::string schema_;
  std::string history_table_;
};

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
// together with its history row. The session holds the lock.
std::vector<AppliedMigration> ApplyPending(MigrationSession& session,
                                           const std::vector<MigrationFile>& files,
                                           const StatusReport& report,
                                           const Migrator::AppliedCallback& on_applied) {
  std::vector<AppliedMigration> applied;
  for (const MigrationFile& migration : files) {
    const MigrationStatus* status = FindStatus(report, migration.name);
    if (status != nullptr && status->state != MigrationState::kPending) continue;
    session.UseSchema();
    const auto started = std::chrono::steady_clock::now();
    const auto started_at = pqxx::nontransaction(session.connection())
                                .exec("SELECT clock_timestamp()::text")[0][0]
                                .as<std::string>();
    try {
      pqxx::work txn(session.connection());
      const std::string id = history::RecordStarted(txn, session.history_table(), migration);
      txn.exec(migration.sql);
      history::RecordFinished(txn, session.history_table(), id);
      txn.commit();
    } catch (const pqxx::sql_error& error) {
      pqxx::work record(session.connection());
      history::RecordFailed(record, session.history_table(), migration, started_at, error.what());
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
  MigrationSession session(options_, MigrationSession::Lock::kExclusive, /*create_schema=*/true);
  session.EnsureHistoryTable();
  const StatusReport report = session.ReadStatus(files);
  RefuseBlockedDeploy(report);
  return ApplyPending(session, files, report, on_applied);
}

StatusReport Migrator::Status(const std::vector<MigrationFile>& files) {
  MigrationSession session(options_, MigrationSession::Lock::kNone, /*create_schema=*/false);
  return session.ReadStatus(files);
}

void Migrator::ResolveApplied(const std::vector<MigrationFile>& files, const std::string& name) {
  const MigrationFile& file = FindFile(files, name);
  MigrationSession session(options_, MigrationSession::Lock::kExclusive, /*create_schema=*/true);
  session.EnsureHistoryTable();
  pqxx::work txn(session.connection());
  const StatusReport report = AssessStatus(files, history::Read(txn, session.history_table()));
  const MigrationStatus* status = FindStatus(report, name);
  if (status->state == MigrationState::kApplied || status->state == MigrationState::kModified) {
    throw MigrationError("migration " + name + " is already recorded as applied");
  }
  if (status->state == MigrationState::kFailed) {
    history::MarkFailedRolledBack(txn, session.history_table(), name);
  }
  history::RecordAppliedWithoutRunning(txn, session.history_table(), file);
  txn.commit();
}

void Migrator::ResolveRolledBack(const std::vector<MigrationFile>& files, const std::string& name) {
  MigrationSession session(options_, MigrationSession::Lock::kExclusive, /*create_schema=*/false);
  pqxx::work txn(session.connection());
  const StatusReport report = AssessStatus(files, history::Read(txn, session.history_table()));
  const MigrationStatus* status = FindStatus(report, name);
  if (status == nullptr || status->state != MigrationState::kFailed) {
    throw MigrationError("migration " + name +
                         " is not in a failed state; only failed migrations can be marked "
                         "rolled back");
  }
  history::MarkFailedRolledBack(txn, session.history_table(), name);
  txn.commit();
}

std::vector<AppliedMigration> Migrator::Reset(const std::vector<MigrationFile>& files,
                                              const AppliedCallback& on_applied) {
  MigrationSession session(options_, MigrationSession::Lock::kExclusive, /*create_schema=*/false);
  {
    const std::string schema = session.connection().quote_name(session.schema());
    pqxx::work txn(session.connection());
    txn.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    txn.exec("CREATE SCHEMA " + schema);
    txn.commit();
  }
  session.EnsureHistoryTable();
  return ApplyPending(session, files, session.ReadStatus(files), on_applied);
}

}  // namespace photoflow::migrate
