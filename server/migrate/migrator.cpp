#include "migrate/migrator.hpp"

#include <map>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

namespace photoflow::migrate {
namespace {

// Prisma Migrate's advisory lock key: holding it excludes Prisma too.
constexpr int64_t kPrismaAdvisoryLockKey = 72707369;

// Prisma Migrate's own DDL for its history table.
constexpr const char* kCreateHistoryTable = R"sql(
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
))sql";

// Holds the session-level advisory lock; releases it on every path.
class AdvisoryLock {
 public:
  explicit AdvisoryLock(pqxx::connection& connection) : connection_(connection) {
    pqxx::nontransaction(connection_)
        .exec_params("SELECT pg_advisory_lock($1)", kPrismaAdvisoryLockKey);
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

void UseSchema(pqxx::connection& connection, const std::string& schema) {
  if (schema.empty()) return;
  pqxx::nontransaction setup(connection);
  setup.exec("CREATE SCHEMA IF NOT EXISTS " + connection.quote_name(schema));
  setup.exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                    connection.quote_name(schema));
}

void RecordFailure(pqxx::connection& connection, const MigrationFile& migration,
                   const std::string& logs) {
  pqxx::work txn(connection);
  txn.exec_params(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, logs, started_at, "
      "applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, $3, now(), 0)",
      migration.checksum, migration.name, logs);
  txn.commit();
}

}  // namespace

Migrator::Migrator(std::string libpq_url, std::string schema)
    : libpq_url_(std::move(libpq_url)), schema_(std::move(schema)) {}

std::vector<AppliedMigration> Migrator::Deploy(
    const std::vector<MigrationFile>& migrations,
    const std::function<void(const AppliedMigration&)>& on_applied) {
  pqxx::connection connection(libpq_url_);
  const AdvisoryLock lock(connection);  // before anything changes, CREATE SCHEMA included
  UseSchema(connection, schema_);
  pqxx::nontransaction(connection).exec(kCreateHistoryTable);

  std::map<std::string, std::string> applied;  // name -> checksum
  {
    pqxx::work txn(connection);
    const pqxx::result failed = txn.exec(
        "SELECT migration_name FROM \"_prisma_migrations\" "
        "WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at");
    if (!failed.empty()) {
      const auto name = failed[0][0].as<std::string>();
      throw MigrationError("migration " + name +
                           " failed earlier and blocks deploy; fix the database, then mark it "
                           "with `photoflow-migrate resolve --rolled-back " +
                           name + "` or `--applied " + name + "`");
    }
    for (const pqxx::row& row :
         txn.exec("SELECT migration_name, checksum FROM \"_prisma_migrations\" "
                  "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")) {
      applied[row[0].as<std::string>()] = row[1].as<std::string>();
    }
  }

  std::vector<AppliedMigration> done;
  for (const MigrationFile& migration : migrations) {
    if (applied.contains(migration.name)) continue;
    const auto started = std::chrono::steady_clock::now();
    try {
      pqxx::work txn(connection);
      txn.exec_params(
          "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, started_at, "
          "applied_steps_count) VALUES (gen_random_uuid()::text, $1, $2, now(), 0)",
          migration.checksum, migration.name);
      txn.exec(migration.sql);
      txn.exec_params(
          "UPDATE \"_prisma_migrations\" SET finished_at = clock_timestamp(), "
          "applied_steps_count = 1 WHERE migration_name = $1 AND finished_at IS NULL",
          migration.name);
      txn.commit();
    } catch (const pqxx::sql_error& error) {
      RecordFailure(connection, migration, error.what());
      throw MigrationError("migration " + migration.name +
                           " failed and was rolled back: " + error.what());
    }
    AppliedMigration result{migration.name, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - started)};
    if (on_applied) on_applied(result);
    done.push_back(std::move(result));
  }
  return done;
}

}  // namespace photoflow::migrate
