#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace photoflow::testing {

// Runs one of our binaries as a real child process and collects its stdout
// and stderr lines, so tests can wait for log events instead of sleeping.
class ChildProcess {
 public:
  // `env` entries are added to (or replace) this process's environment; an
  // empty value removes the variable.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {});
  ~ChildProcess();  // SIGKILLs the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first output line containing `needle`, waiting up to `timeout`;
  // nullopt if none came (or the child closed its output first).
  std::optional<std::string> WaitForLine(std::string_view needle,
                                         std::chrono::milliseconds timeout);

  void Signal(int signal_number);
  pid_t pid() const { return pid_; }

  // The exit code once the child has ended, waiting up to `timeout`;
  // nullopt on timeout or death by signal.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  // Everything the child printed so far.
  std::string Output();

 private:
  void ReadOutput(int fd);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool output_closed_ = false;
  std::thread reader_;
};

// The port in a photoflow-server "serving" log line.
int PortFromServingLine(const std::string& line);

}  // namespace photoflow::testing
