#pragma once

#include <pqxx/connection_base>

namespace photoflow::db {

// libpqxx 6 silently reconnects a broken connection when the next
// transaction starts. The new session would lack what the old one set up
// (search_path, TimeZone, a migration's advisory lock), so we turn that off
// and handle broken connections ourselves. (Deprecated only because libpqxx 7
// dropped reactivation altogether.)
inline void DisableReactivation(pqxx::connection_base& connection) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection.inhibit_reactivation(true);
#pragma GCC diagnostic pop
}

}  // namespace photoflow::db
