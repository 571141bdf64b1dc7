#pragma once

#include <sys/types.h>

#include <string>
#include <thread>
#include <vector>

namespace photoflow::admin {

// One of PostgreSQL's client programs (pg_dump, pg_restore, psql) or gzip,
// run as a child process: no shell, arguments passed as they are. Its stderr
// is collected (the last few kB) for the error report.
class ToolProcess {
 public:
  // `program` is looked up on PATH. `extra_env` entries ("NAME=value") are
  // added to this process's environment. `stdin_fd`/`stdout_fd`: -1 for
  // /dev/null; the child gets its own copy, the caller closes its own.
  ToolProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
              int stdin_fd = -1, int stdout_fd = -1);
  ~ToolProcess();  // kills and reaps a child still running
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // True while the child runs; false once it has ended (and was reaped).
  bool Running();
  // Waits for the end: the exit code, or 128 + the signal that ended it.
  int Wait();
  std::string ErrorTail();
  const std::string& program() const { return program_; }

 private:
  void Reaped(int status);

  std::string program_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  int stderr_fd_ = -1;
  std::string stderr_;
  std::thread stderr_reader_;
};

}  // namespace photoflow::admin
