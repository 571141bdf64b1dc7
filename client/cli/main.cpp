// photoflow: the PhotoFlow command-line client (see --help).
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  return photoflow::cli::RunCli(
      std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr,
      {.address_from_env = std::getenv("PHOTOFLOW_ADDR"),  // NOLINT(concurrency-mt-unsafe)
       .token_from_env = std::getenv("PHOTOFLOW_TOKEN"),   // NOLINT(concurrency-mt-unsafe)
       .width = photoflow::cli::TerminalWidth(STDOUT_FILENO),
       .progress = isatty(STDERR_FILENO) == 1});
}
