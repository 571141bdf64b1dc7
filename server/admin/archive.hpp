#pragma once

#include "admin/database.hpp"
#include "admin/options.hpp"

namespace photoflow::admin {

// photoflow-admin archive and unarchive: batches of store::archive's
// statements, one short transaction each. Both return the exit code.
int Archive(const Options& options, Database& database);
int Unarchive(const Options& options, Database& database);

}  // namespace photoflow::admin
