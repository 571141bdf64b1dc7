#pragma once

#include "admin/database.hpp"
#include "admin/options.hpp"

namespace photoflow::admin {

// photoflow-admin backup and restore: pg_dump, pg_restore and psql, run as
// child processes (tool_process.hpp). Both return the exit code.
int Backup(const Options& options, const config::DatabaseUrl& url);
int Restore(const Options& options, const config::DatabaseUrl& url);

}  // namespace photoflow::admin
