#include "support/private_cluster.hpp"

#include <sys/stat.h>

#include <chrono>
#include <stdexcept>

#include "support/child_process.hpp"
#include "support/free_port.hpp"

namespace photoflow::testing {

using namespace std::chrono_literals;

PrivateCluster::PrivateCluster(Durability durability) : port_(FreePort()), durability_(durability) {
  // The postgres OS user must reach the data folder inside our temp dir.
  chmod(dir_.path().c_str(), 0711);
}

PrivateCluster::~PrivateCluster() { Run("destroy"); }

std::string PrivateCluster::Start() {
  std::string output;
  if (Run("start", "fast", &output) != 0) {
    throw std::runtime_error("pg.sh start failed: " + output);
  }
  const std::size_t url = output.find("postgresql://");
  if (url == std::string::npos) throw std::runtime_error("pg.sh start printed no URL: " + output);
  return output.substr(url, output.find('\n', url) - url);
}

void PrivateCluster::Stop(StopMode mode) {
  std::string output;
  if (Run("stop", mode == StopMode::kImmediate ? "immediate" : "fast", &output) != 0) {
    throw std::runtime_error("pg.sh stop failed: " + output);
  }
}

int PrivateCluster::Run(const std::string& command, const std::string& stop_mode,
                        std::string* output) const {
  ChildProcess script(PHOTOFLOW_PG_SCRIPT, {command},
                      {{"PHOTOFLOW_PGDATA", (dir_.path() / "pgdata").string()},
                       {"PHOTOFLOW_PGPORT", std::to_string(port_)},
                       {"PHOTOFLOW_PG_FAST", durability_ == Durability::kFast ? "1" : "0"},
                       {"PHOTOFLOW_PG_STOP_MODE", stop_mode},
                       {"PHOTOFLOW_PG_SSL", ""}});
  const int code = script.WaitForExit(120s).value_or(-1);
  if (output != nullptr) *output = script.Output();
  return code;
}

}  // namespace photoflow::testing
