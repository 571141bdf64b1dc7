#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

#include "config/database_url.hpp"

namespace photoflow::testing {

// The PostgreSQL the tests run against: DATABASE_URL, as deploy/local/test.sh
// sets it. Missing DATABASE_URL is a test failure, never a skip.
std::string BaseDatabaseUrl();

// A private, migrated schema for one test, dropped afterwards, so that tests
// can run in parallel against one database without seeing each other's rows.
class TestSchema {
 public:
  // `migrate` false leaves the schema empty (for migration tests).
  explicit TestSchema(bool migrate = true);
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  const std::string& name() const { return name_; }
  // DATABASE_URL with ?schema=<name>, as the service would be configured.
  const std::string& url() const { return url_; }
  config::DatabaseUrl parsed_url() const { return config::ParseDatabaseUrl(url_); }

  // A connection whose search_path is this schema.
  std::unique_ptr<pqxx::connection> Connect() const;

  // Runs one statement and returns the first column of the first row.
  std::string QueryValue(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

}  // namespace photoflow::testing
