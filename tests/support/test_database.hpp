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
  // `base_url`: the database to make it in (another cluster than the
  // shared one, for tests that stop PostgreSQL).
  explicit TestSchema(bool migrate = true, const std::string& base_url = BaseDatabaseUrl());
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  const std::string& name() const { return name_; }
  // The URL the service is configured with: ?schema=<name>, and for a
  // migrated schema the application role of deploy/sql/app-role.sql
  // (kAppRole), so that every test server runs with least privilege.
  const std::string& url() const { return migrated_ ? app_url_ : owner_url_; }
  // DATABASE_URL with ?schema=<name>: the schema's owner, for migrations.
  const std::string& owner_url() const { return owner_url_; }
  config::DatabaseUrl parsed_url() const { return config::ParseDatabaseUrl(owner_url_); }

  // Grants the application role its privileges on this schema (again, after
  // a migration); throws std::runtime_error when the script fails.
  void GrantAppRole() const;

  // A connection whose search_path is this schema.
  std::unique_ptr<pqxx::connection> Connect() const;

  // Runs one statement and returns the first column of the first row.
  std::string QueryValue(const std::string& sql) const;

 private:
  std::string name_;
  std::string owner_url_;
  std::string app_url_;
  bool migrated_;
};

// The application role the tests' servers connect as (password the same).
constexpr const char* kAppRole = "photoflow_app";

}  // namespace photoflow::testing
