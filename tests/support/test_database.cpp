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

}  // namespace

std::string BaseDatabaseUrl() {
  const char* url = std::getenv("DATABASE_URL");  // NOLINT(concurrency-mt-unsafe): read-only
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "DATABASE_URL is not set: these tests need a real PostgreSQL; run deploy/local/test.sh");
  }
  return url;
}

TestSchema::TestSchema(bool migrate)
    : name_(UniqueSchemaName()), url_(WithSchema(BaseDatabaseUrl(), name_)) {
  const config::DatabaseUrl parsed = config::ParseDatabaseUrl(url_);
  {
    pqxx::connection admin(parsed.libpq_url);
    pqxx::nontransaction(admin).exec("CREATE SCHEMA " + admin.quote_name(name_));
  }
  if (migrate) {
    migrate::Migrator(parsed.libpq_url, parsed.schema)
        .Deploy(migrate::LoadMigrationFiles(config::DefaultMigrationsDir()));
  }
}

TestSchema::~TestSchema() {
  try {
    pqxx::connection admin(config::ParseDatabaseUrl(url_).libpq_url);
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
