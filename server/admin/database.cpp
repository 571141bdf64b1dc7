#include "admin/database.hpp"

#include <libpq-fe.h>

#include <pqxx/nontransaction>

#include "admin/options.hpp"

namespace photoflow::admin {

config::DatabaseUrl Database::ParseUrl(const std::string& url_text) {
  if (url_text.empty()) throw UsageError("DATABASE_URL is not set (or pass --database-url)");
  config::DatabaseUrl url;
  try {
    url = config::ParseDatabaseUrl(url_text);
  } catch (const std::exception& error) {
    throw UsageError(error.what());
  }
  if (url.pgbouncer) {
    throw UsageError(
        "photoflow-admin needs a session of its own (pg_dump's snapshot, VACUUM): connect to "
        "PostgreSQL directly, not through PgBouncer (pgbouncer=true)");
  }
  return url;
}

Database::Database(const config::DatabaseUrl& url)
    : url_(url),
      connection_(
          std::make_unique<db::PooledConnection>(url.libpq_url, db::PooledConnection::Traits{})) {
  pqxx::nontransaction txn(*connection_);
  if (!url_.schema.empty()) {
    txn.exec_params("SELECT pg_catalog.set_config('search_path', $1, false)",
                    connection_->quote_name(url_.schema));
  }
  // ?schema= names it even before it exists (a restore creates it).
  schema_ = url_.schema.empty() ? txn.exec("SELECT pg_catalog.current_schema()")[0][0].c_str()
                                : url_.schema;
}

std::string Database::QualifiedName(const std::string& table) {
  return connection_->quote_name(schema_) + "." + connection_->quote_name(table);
}

ToolConnection ForTools(const config::DatabaseUrl& url) {
  // libpq's own parser, so that every spelling of a password (user info,
  // ?password=, percent-encoded) is found; the rest goes back as a
  // keyword=value string, which pg_dump, pg_restore and psql take as --dbname.
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.libpq_url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error != nullptr ? error : "cannot parse the database URL";
    PQfreemem(error);
    throw UsageError(message);
  }
  ToolConnection tool;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string keyword = option->keyword;
    if (keyword == "password") {
      tool.password = option->val;
      continue;
    }
    std::string value;
    for (const char* c = option->val; *c != '\0'; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!tool.conninfo.empty()) tool.conninfo += ' ';
    tool.conninfo.append(keyword).append("='").append(value).append("'");
  }
  PQconninfoFree(options);
  return tool;
}

}  // namespace photoflow::admin
