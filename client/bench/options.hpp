#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "shared/channel_security.hpp"

namespace photoflow::bench {

// What photoflow-bench is told. Flags override the environment (PHOTOFLOW_ADDR,
// PHOTOFLOW_TOKEN).
struct Options {
  std::string address = "localhost:50051";
  client::ChannelSecurity security;  // --tls, --ca, --cert, --key, --token
  std::string scenario = "get";
  // For scenario "mixed": scenario -> weight.
  std::map<std::string, int> mix = {
      {"get", 60}, {"list", 20}, {"create", 10}, {"comment", 5}, {"update", 5}};
  int in_flight = 16;
  int channels = 2;
  std::chrono::milliseconds duration{std::chrono::seconds(10)};
  std::chrono::milliseconds warmup{std::chrono::seconds(2)};
  std::chrono::milliseconds deadline{std::chrono::seconds(5)};
  int seed = 0;                             // tasks to create before measuring
  int columns = 4;                          // kanban columns seeded tasks spread over ("1".."N")
  int max_ids = 100000;                     // task ids read for get/update/comment
  int page = 1;                             // the page scenario "list" reads
  int watchers = 1000;                      // scenario watch: streams
  int write_rate = 500;                     // scenario watch: updates per second
  std::chrono::milliseconds wait_ready{0};  // wait this long for health SERVING first
  bool json = false;
  bool help = false;
};

// The scenarios, in --help order.
const std::vector<std::string>& ScenarioNames();

// Throws std::invalid_argument naming the flag. The environment gives
// PHOTOFLOW_ADDR and PHOTOFLOW_TOKEN (either may be null).
Options ParseOptions(const std::vector<std::string>& args, const char* address_from_env,
                     const char* token_from_env);

std::string HelpText();

}  // namespace photoflow::bench
