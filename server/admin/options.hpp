#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace photoflow::admin {

// A command line that cannot run; nothing has touched the database (exit 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class BackupFormat { kPlain, kGzip, kCustom };

// photoflow-admin's command line, parsed and checked against its command.
struct Options {
  std::string command;  // backup, restore, archive, unarchive, vacuum, stats
  std::string database_url;
  bool json = false;
  bool help = false;
  bool check_args = false;
  bool dry_run = false;
  // backup
  BackupFormat format = BackupFormat::kPlain;
  std::string output;
  std::string dir;
  int keep = 0;  // 0: keep every backup in --dir
  // restore
  std::string input;
  bool force = false;
  // archive, unarchive
  std::string due_before;  // "YYYY-MM-DD HH:MM:SS" (UTC), parsed from --finished-before
  std::vector<int> task_ids;
  bool all = false;
  int batch_size = 500;
  // vacuum
  bool full = false;
  bool analyze = false;
  std::vector<std::string> tables;
};

// Parses argv (without the program name); throws UsageError. `now` is the
// current Unix time, for --finished-before Nd.
Options ParseOptions(const std::vector<std::string>& args, long long now);

// --finished-before's value as a UTC timestamp "YYYY-MM-DD HH:MM:SS":
// YYYY-MM-DD (midnight UTC), YYYY-MM-DDTHH:MM:SSZ, or Nd (N days before now).
std::string ParseDueBefore(const std::string& value, long long now);

// The usage text: of one command, or of all when `command` is empty.
std::string Usage(const std::string& command);

}  // namespace photoflow::admin
