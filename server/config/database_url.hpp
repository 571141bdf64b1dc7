#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace photoflow::config {

// A DATABASE_URL as the PhotoFlow Prisma app writes it, split into what libpq
// accepts and the Prisma-style parameters that we honour ourselves. libpq
// rejects unknown URI parameters, so those never reach it.
struct DatabaseUrl {
  // The URL with Prisma-only query parameters removed; given to libpq as is.
  std::string libpq_url;
  // The URL with its password replaced by "****"; the only form that is logged.
  std::string redacted;
  // ?connection_limit=N: pool size.
  std::optional<int> connection_limit;
  // ?pool_timeout=S: seconds to wait for a free connection; 0 means no limit.
  std::optional<std::chrono::milliseconds> pool_timeout;
  // ?schema=NAME: the PostgreSQL schema that holds the tables (search_path).
  std::string schema;
  // ?pgbouncer=true: PgBouncer in transaction mode, so no prepared statements.
  bool pgbouncer = false;
};

// Parses a postgres:// or postgresql:// URL. Throws std::invalid_argument with
// a message naming the bad parameter; the message never contains the password.
DatabaseUrl ParseDatabaseUrl(std::string_view url);

// Returns `url` with the password of its user-info part (and any ?password=)
// replaced by "****". Text that is not a URL is returned fully masked.
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace photoflow::config
