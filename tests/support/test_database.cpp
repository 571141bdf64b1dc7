#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "config/config.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "support/child_process.hpp"

namespace photoflow::testing {
namespace {

std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return "pf_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 100000);
}

std::string WithSchema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
}

// `url` with the application role's name and password instead of its own.
std::string AsAppRole(const std::string& url) {
  const std::size_t start = url.find("://");
  const std::size_t at = url.find('@');
  if (start == std::string::npos || at == std::string::npos || at < start) {
    throw std::runtime_error("DATABASE_URL must name a user (postgresql://user:password@host/db)");
  }
  return url.substr(0, start + 3) + kAppRole + ":" + kAppRole + url.substr(at);
}

}  // namespace

std::string BaseDatabaseUrl() {
  const char* url = std::getenv("DATABASE_URL");  // NOLINT(concurrency-mt-unsafe): read-only
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "DATABASE_URL is not set: these tests need a real PostgreSQL; run deploy/local/test.sh");
  }
  return url;
}

TestSchema::TestSchema(bool migrate, const std::string& base_url)
    : name_(UniqueSchemaName()),
      owner_url_(WithSchema(base_url, name_)),
      app_url_(AsAppRole(owner_url_)),
      migrated_(migrate) {
  const config::DatabaseUrl parsed = config::ParseDatabaseUrl(owner_url_);
  {
    pqxx::connection admin(parsed.libpq_url);
    pqxx::nontransaction(admin).exec("CREATE SCHEMA " + admin.quote_name(name_));
  }
  if (migrate) {
    migrate::Migrator(parsed.libpq_url, parsed.schema)
        .Deploy(migrate::LoadMigrationFiles(config::DefaultMigrationsDir()));
    GrantAppRole();
  }
}

void TestSchema::GrantAppRole() const {
  const std::string script = std::string(PHOTOFLOW_SOURCE_DIR) + "/deploy/sql/app-role.sql";
  const std::vector<std::string> args = {"-X", "-q",
                                         "-d", parsed_url().libpq_url,
                                         "-v", std::string("app_role=") + kAppRole,
                                         "-v", std::string("app_password=") + kAppRole,
                                         "-v", "schema=" + name_,
                                         "-f", script};
  // Two test processes may create the role at the same moment; the second
  // run finds it.
  for (int attempt = 1;; ++attempt) {
    ChildProcess psql("/usr/bin/psql", args);
    if (psql.WaitForExit(std::chrono::seconds(60)) == 0) return;
    if (attempt == 2) throw std::runtime_error("deploy/sql/app-role.sql failed: " + psql.Output());
  }
}

TestSchema::~TestSchema() {
  try {
    pqxx::connection admin(config::ParseDatabaseUrl(owner_url_).libpq_url);
    pqxx::nontransaction(admin).exec("DROP SCHEMA IF EXISTS " + admin.quote_name(name_) +
                                     " CASCADE");
  } catch (const std::exception&) {
    // A test that stopped the database leaves the schema behind; the cluster
    // is private to the test run.
  }
}

std::unique_ptr<pqxx::connection> TestSchema::Connect() const {
  auto connection = std::make_unique<pqxx::connection>(parsed_url().libpq_url);
  pqxx::nontransaction(*connection)
      .exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                   connection->quote_name(name_));
  return connection;
}

std::string TestSchema::QueryValue(const std::string& sql) const {
  auto connection = Connect();
  const pqxx::result result = pqxx::nontransaction(*connection).exec(sql);
  return result.at(0).at(0).is_null() ? std::string() : result[0][0].as<std::string>();
}

}  // namespace photoflow::testing
