#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "table.hpp"

namespace photoflow::cli {

// What the process knows about where it runs.
struct Environment {
  const char* address_from_env = nullptr;  // PHOTOFLOW_ADDR
  const char* token_from_env = nullptr;    // PHOTOFLOW_TOKEN
  std::size_t width = 0;                   // the terminal's, 0 when not a terminal
  bool progress = false;                   // stderr is a terminal
};

// The whole command line: finds the command, parses its flags, makes the
// call and prints the result or the error. Returns the exit code
// (status_report.hpp).
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Environment& environment);

// The top-level help, or a group's or a command's.
std::string HelpText(const std::string& group, const std::string& name);

}  // namespace photoflow::cli
