#pragma once

#include "admin/database.hpp"
#include "admin/options.hpp"

namespace photoflow::admin {

// photoflow-admin vacuum and stats. Both return the exit code.
int Vacuum(const Options& options, Database& database);
int Stats(const Options& options, Database& database);

}  // namespace photoflow::admin
