#include "admin/database.hpp"

#include <cctype>

#include <pqxx/nontransaction>

#include "admin/options.hpp"

namespace photoflow::admin {
namespace {

std::string PercentDecoded(const std::string& text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) != 0 &&
        std::isxdigit(text[i + 2]) != 0) {
      decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

}  // namespace

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
  const std::string& text = url.libpq_url;
  const size_t authority = text.find("://");
  if (authority == std::string::npos) return {text, ""};
  const size_t start = authority + 3;
  const size_t end = text.find_first_of("/?", start);
  const size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
  if (at == std::string::npos || at < start) return {text, ""};
  const size_t colon = text.find(':', start);
  if (colon == std::string::npos || colon > at) return {text, ""};
  return {text.substr(0, colon) + text.substr(at),
          PercentDecoded(text.substr(colon + 1, at - colon - 1))};
}

}  // namespace photoflow::admin
