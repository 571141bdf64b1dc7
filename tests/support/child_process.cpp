#include "support/child_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace photoflow::testing {

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  // Build argv and envp before fork: the child may only call async-signal-safe functions.
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size() + 64);
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (!env.contains(name)) env_strings.emplace_back(text);
  }
  for (const auto& [name, value] : env) {
    if (!value.empty()) env_strings.push_back(std::string(name).append("=").append(value));
  }
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    // The test binary blocks no signals, but be explicit: the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    // The forked child has a single thread, so the thread-safety checks do not apply.
    sigprocmask(SIG_SETMASK, &none, nullptr);  // NOLINT(concurrency-mt-unsafe)
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { ReadOutput(fd); });
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::ReadOutput(int fd) {
  std::string pending;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      {
        const std::lock_guard lock(mutex_);
        lines_.push_back(pending.substr(0, newline));
      }
      changed_.notify_all();
      pending.erase(0, newline + 1);
    }
  }
  close(fd);
  {
    const std::lock_guard lock(mutex_);
    if (!pending.empty()) lines_.push_back(pending);
    output_closed_ = true;
  }
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::WaitForLine(std::string_view needle,
                                                     std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const std::string& line : lines_) {
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return output_closed_;
  });
  return found;
}

void ChildProcess::Signal(int signal_number) { kill(pid_, signal_number); }

std::optional<int> ChildProcess::WaitForExit(std::chrono::milliseconds timeout) {
  {
    // The child's output closes when it exits; only then is waitpid immediate.
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [this] { return output_closed_; })) return std::nullopt;
  }
  if (!reaped_) {
    waitpid(pid_, &exit_status_, 0);
    reaped_ = true;
  }
  if (!WIFEXITED(exit_status_)) return std::nullopt;
  return WEXITSTATUS(exit_status_);
}

std::string ChildProcess::Output() {
  const std::lock_guard lock(mutex_);
  std::string all;
  for (const std::string& line : lines_) all += line + "\n";
  return all;
}

int PortFromServingLine(const std::string& line) {
  const std::string key = "\"port\":";
  const size_t at = line.find(key);
  if (at == std::string::npos) throw std::runtime_error("no port in: " + line);
  return std::atoi(line.c_str() + at + key.size());
}

}  // namespace photoflow::testing
