#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace photoflow::app {

// `photoflow-server token --name NAME --scopes SCOPES`: prints a new token
// and the tokens-file line that lets it in (only the line is stored; the
// token is shown once). Returns the exit code: 0, or 2 for a usage error.
int RunTokenCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace photoflow::app
