#pragma once

#include <memory>
#include <string>

#include "config/database_url.hpp"
#include "db/pooled_connection.hpp"

namespace photoflow::admin {

// The database photoflow-admin works on: one session as the tables' owner,
// with search_path set to the URL's ?schema= when given.
class Database {
 public:
  // Throws UsageError for a URL it cannot use (missing, malformed, PgBouncer).
  static config::DatabaseUrl ParseUrl(const std::string& url_text);
  explicit Database(const config::DatabaseUrl& url);

  db::PooledConnection& connection() { return *connection_; }
  const config::DatabaseUrl& url() const { return url_; }
  // The schema the tables are in: ?schema= or the session's current schema.
  const std::string& schema() const { return schema_; }
  // A quoted, schema-qualified name for statements that take no parameters
  // (VACUUM, DROP TABLE).
  std::string QualifiedName(const std::string& table);

 private:
  config::DatabaseUrl url_;
  std::unique_ptr<db::PooledConnection> connection_;
  std::string schema_;
};

// What libpq's programs (pg_dump, pg_restore, psql) are given: the
// connection as a keyword=value string without the password, which goes in
// PGPASSWORD instead, so that it never shows in the process list.
struct ToolConnection {
  std::string conninfo;
  std::string password;  // empty: none in the URL
};
ToolConnection ForTools(const config::DatabaseUrl& url);

}  // namespace photoflow::admin
