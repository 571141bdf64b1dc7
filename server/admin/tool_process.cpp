#include "admin/tool_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace photoflow::admin {
namespace {

constexpr size_t kErrorTailBytes = 4096;

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

ToolProcess::ToolProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env, int stdin_fd, int stdout_fd)
    : program_(argv.at(0)) {
  // Everything the child needs is built before fork(): after it, in a
  // process with threads, only async-signal-safe calls are allowed.
  std::vector<std::string> arguments = argv;
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    bool replaced = false;
    for (const std::string& extra : extra_env) {
      const size_t equals = extra.find('=');
      replaced = replaced || (equals != std::string::npos &&
                              variable.starts_with(std::string_view(extra).substr(0, equals + 1)));
    }
    if (!replaced) environment.push_back(variable);
  }
  environment.insert(environment.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> argv_pointers = Pointers(arguments);
  std::vector<char*> env_pointers = Pointers(environment);

  int stderr_pipe[2];
  if (pipe2(stderr_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) {
    close(stderr_pipe[0]);
    close(stderr_pipe[1]);
    throw std::runtime_error("cannot open /dev/null");
  }
  pid_ = fork();
  if (pid_ < 0) {
    close(stderr_pipe[0]);
    close(stderr_pipe[1]);
    close(null_fd);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    signal(SIGPIPE, SIG_DFL);  // photoflow-admin ignores it; the tools expect the default
    dup2(stdin_fd >= 0 ? stdin_fd : null_fd, STDIN_FILENO);  // dup2 clears FD_CLOEXEC
    dup2(stdout_fd >= 0 ? stdout_fd : null_fd, STDOUT_FILENO);
    dup2(stderr_pipe[1], STDERR_FILENO);
    execvpe(argv_pointers[0], argv_pointers.data(), env_pointers.data());
    static constexpr char kNotFound[] = "cannot run the program (is it installed and on PATH?)\n";
    (void)!write(STDERR_FILENO, kNotFound, sizeof kNotFound - 1);
    _exit(127);
  }
  close(stderr_pipe[1]);
  close(null_fd);
  stderr_fd_ = stderr_pipe[0];
  stderr_reader_ = std::thread([this] {
    char buffer[4096];
    for (ssize_t n; (n = read(stderr_fd_, buffer, sizeof buffer)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      stderr_.append(buffer, static_cast<size_t>(n));
      if (stderr_.size() > 2 * kErrorTailBytes) stderr_.erase(0, stderr_.size() - kErrorTailBytes);
    }
  });
}

ToolProcess::~ToolProcess() {
  if (exit_code_ < 0 && pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
  if (stderr_reader_.joinable()) stderr_reader_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ToolProcess::Reaped(int status) {
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ToolProcess::Running() {
  if (exit_code_ >= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    Reaped(status);
    return false;
  }
  return true;
}

int ToolProcess::Wait() {
  while (exit_code_ < 0) {
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, 0);
    if (reaped == pid_) {
      Reaped(status);
    } else if (reaped < 0 && errno != EINTR) {
      exit_code_ = 255;
    }
  }
  return exit_code_;
}

std::string ToolProcess::ErrorTail() {
  Wait();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  std::string tail =
      stderr_.size() > kErrorTailBytes ? stderr_.substr(stderr_.size() - kErrorTailBytes) : stderr_;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

}  // namespace photoflow::admin
