// photoflow-bench: closed-loop load on a PhotoFlow server (see --help).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>

#include "load.hpp"
#include "options.hpp"
#include "report.hpp"
#include "watch_load.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace photoflow::bench;
  Options options;
  try {
    options = ParseOptions(std::vector<std::string>(argv + 1, argv + argc),
                           std::getenv("PHOTOFLOW_ADDR"),    // NOLINT(concurrency-mt-unsafe)
                           std::getenv("PHOTOFLOW_TOKEN"));  // NOLINT(concurrency-mt-unsafe)
  } catch (const std::exception& error) {
    std::cerr << "photoflow-bench: " << error.what() << "\n";
    return kExitUsage;
  }
  if (options.help) {
    std::cout << HelpText();
    return 0;
  }
  try {
    auto connections = Connect(options.address, options.channels, options.security);
    if (options.wait_ready.count() > 0 &&
        !WaitUntilServing(*connections.front(), options.wait_ready)) {
      std::cerr << "photoflow-bench: " << options.address << " is not SERVING\n";
      return kExitFailure;
    }
    Board board;
    board.columns = options.columns;
    // Seeding and reading ids are set-up, not load: a short --deadline is for the load.
    Options setup = options;
    setup.deadline = std::max(options.deadline, std::chrono::milliseconds(30000));
    if (options.seed > 0) {
      const uint64_t failed =
          RunCount(setup, "create", static_cast<uint64_t>(options.seed), connections, board);
      if (failed > 0) {
        std::cerr << "photoflow-bench: " << failed << " of " << options.seed
                  << " seed tasks failed\n";
        return kExitFailure;
      }
    }
    if (options.scenario != "health" && options.scenario != "list" &&
        options.scenario != "list-column" && options.scenario != "create" &&
        options.scenario != "search" && options.scenario != "summarize") {
      board.task_ids = ReadTaskIds(*connections.front(), options.max_ids, setup.deadline);
      if (board.task_ids.empty()) {
        std::cerr << "photoflow-bench: the board has no tasks; use --seed N\n";
        return kExitFailure;
      }
    }
    if (options.scenario == "list" && options.page > 1) {
      board.list_page_token = ListPageToken(*connections.front(), options.page, setup.deadline);
    }
    if (options.scenario == "watch") {
      // The writes on a connection of their own, beside the watchers'.
      auto writer = Connect(options.address, 1, options.security);
      const WatchResult result = RunWatchLoad(options, connections, *writer.front(), board);
      if (options.json) {
        PrintWatchJson(result, std::cout);
      } else {
        PrintWatchTable(result, std::cout);
      }
      return result.events > 0 ? 0 : kExitFailure;
    }
    const bool terminal = isatty(STDERR_FILENO) == 1;
    const LoadResult result = RunLoad(options, connections, board, [&](const Progress& progress) {
      if (!terminal) return;
      std::cerr << "\r" << std::fixed << std::setprecision(0) << progress.elapsed_seconds << " s  "
                << progress.completed << " calls  " << progress.failed << " failed   "
                << std::flush;
    });
    if (terminal) std::cerr << "\r" << std::string(60, ' ') << "\r";
    if (options.json) {
      PrintJson(result, std::cout);
    } else {
      PrintTable(result, std::cout);
    }
    return result.calls > 0 ? 0 : kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "photoflow-bench: " << error.what() << "\n";
    return kExitFailure;
  }
}
