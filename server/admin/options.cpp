#include "admin/options.hpp"

#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "config/values.hpp"

namespace photoflow::admin {
namespace {

constexpr const char* kGeneralUsage =
    "Usage: photoflow-admin [--database-url URL] [--json] COMMAND [options]\n"
    "\n"
    "Operations on PhotoFlow's database, run as the tables' owner (the URL photoflow-migrate\n"
    "uses). Every command takes --help.\n"
    "\n"
    "Commands:\n"
    "  backup     pg_dump to a file: plain SQL, gzip-compressed SQL or custom format\n"
    "  restore    a backup into an empty database (or, with --force, over this one)\n"
    "  archive    move finished tasks due before a date, with their comments, to the archive\n"
    "  unarchive  move archived tasks back to the board\n"
    "  vacuum     VACUUM (optionally FULL, ANALYZE) the tables\n"
    "  stats      database size, table sizes and rows, connections, the archive\n"
    "\n"
    "Options for every command:\n"
    "  --database-url URL  default $DATABASE_URL (Prisma-style ?schema= is honoured); prefer\n"
    "                      the variable: a flag's value shows in the process list\n"
    "  --json              one JSON object on stdout instead of text; progress stays on stderr\n"
    "  --check-args        check the command line and exit 0 without connecting\n"
    "\n"
    "Exit codes: 0 done, 1 failed (or refused: restore into a non-empty database),\n"
    "2 usage error (nothing was changed).\n";

const std::map<std::string, std::string, std::less<>>& CommandUsage() {
  static const std::map<std::string, std::string, std::less<>> usage = {
      {"backup",
       "Usage: photoflow-admin backup [--format plain|gzip|custom] (--output FILE | --dir DIR "
       "[--keep N])\n"
       "\n"
       "Runs pg_dump (no owners or grants: the application role's grants come from\n"
       "deploy/sql/app-role.sql). The file is written under a temporary name and renamed\n"
       "when complete.\n"
       "  --format   plain (default; psql reads it), gzip (plain, compressed), custom\n"
       "             (pg_restore's format: compressed, tables can be restored one by one)\n"
       "  --output   the file to write\n"
       "  --dir      write photoflow-YYYYMMDDTHHMMSSZ.sql|.sql.gz|.dump in DIR\n"
       "  --keep N   with --dir: then delete all but the newest N backups of that name form\n"
       "             and format\n"},
      {"restore",
       "Usage: photoflow-admin restore --input FILE [--force] [--dry-run]\n"
       "\n"
       "Restores a backup (its format is read from the file: custom, gzip or plain SQL) in one\n"
       "transaction: either all of it is restored or nothing changes.\n"
       "  --force    restore even though the database's schema has tables: they are dropped\n"
       "             first (in the same transaction)\n"
       "  --dry-run  say what would be restored and dropped; change nothing\n"},
      {"archive",
       "Usage: photoflow-admin archive --finished-before DATE [--batch-size N] [--dry-run]\n"
       "\n"
       "Moves finished tasks due before DATE, each with its comments, to the archive tables\n"
       "(photoflow_archived_tasks, photoflow_archived_task_comments), in batches of short\n"
       "transactions. Tasks a call holds at that moment are skipped and reported. A run cut\n"
       "short is finished by the next; a repeated run moves nothing.\n"
       "  --finished-before  YYYY-MM-DD (midnight UTC), YYYY-MM-DDTHH:MM:SSZ, or Nd (N days ago)\n"
       "  --batch-size N     tasks per transaction (default 500)\n"
       "  --dry-run          count what would move; change nothing\n"},
      {"unarchive",
       "Usage: photoflow-admin unarchive (--task-id ID ... | --finished-before DATE | --all)\n"
       "                                 [--batch-size N] [--dry-run]\n"
       "\n"
       "Moves archived tasks, with their comments, back to the board, ids unchanged.\n"
       "  --task-id ID       this archived task (repeatable)\n"
       "  --finished-before  archived tasks due before DATE (as for archive)\n"
       "  --all              every archived task\n"
       "  --batch-size N     tasks per transaction (default 500)\n"
       "  --dry-run          count what would move; change nothing\n"},
      {"vacuum",
       "Usage: photoflow-admin vacuum [--full] [--analyze] [--table NAME ...] [--dry-run]\n"
       "\n"
       "VACUUMs each table of the schema (or the ones named), reporting sizes before and after.\n"
       "  --full     VACUUM FULL: rewrites each table, giving space back to the operating system;\n"
       "             holds an exclusive lock on the table meanwhile (calls on it wait)\n"
       "  --analyze  also refresh the planner's statistics\n"
       "  --table    only this table (repeatable)\n"
       "  --dry-run  list the tables and sizes; change nothing\n"},
      {"stats",
       "Usage: photoflow-admin stats\n"
       "\n"
       "Database size, each table's size with live and dead rows, connections by state, and\n"
       "what the archive holds (the PhotoFlow database guide's monitoring queries).\n"},
  };
  return usage;
}

// Which options each command takes (the general ones aside).
const std::map<std::string, std::set<std::string>, std::less<>>& CommandOptions() {
  static const std::map<std::string, std::set<std::string>, std::less<>> options = {
      {"backup", {"--format", "--output", "--dir", "--keep"}},
      {"restore", {"--input", "--force", "--dry-run"}},
      {"archive", {"--finished-before", "--batch-size", "--dry-run"}},
      {"unarchive", {"--task-id", "--finished-before", "--all", "--batch-size", "--dry-run"}},
      {"vacuum", {"--full", "--analyze", "--table", "--dry-run"}},
      {"stats", {}},
  };
  return options;
}

bool TakesValue(const std::string& flag) {
  static const std::set<std::string> flags = {
      "--database-url", "--format",          "--output",     "--dir",     "--keep",
      "--input",        "--finished-before", "--batch-size", "--task-id", "--table"};
  return flags.contains(flag);
}

int WholeNumber(const std::string& flag, const std::string& value, int min, int max) {
  try {
    return config::ParseWholeNumber(flag, value, min, max);
  } catch (const std::exception& error) {
    throw UsageError(error.what());
  }
}

}  // namespace

std::string ParseDueBefore(const std::string& value, long long now) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, days = 0;
  char tail = 0;
  if (std::sscanf(value.c_str(), "%d%c", &days, &tail) == 2 && tail == 'd' &&
      value == std::to_string(days) + "d" && days >= 0 && days <= 36500) {
    const auto at = static_cast<std::time_t>(now - static_cast<long long>(days) * 86400);
    std::tm utc{};
    gmtime_r(&at, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    return text;
  }
  // Digits exactly where the pattern has them, then a date the calendar has
  // (timegm turns 2026-02-31 into March: that is refused).
  const auto shaped = [&value](std::string_view pattern) {
    if (value.size() != pattern.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const bool digit = value[i] >= '0' && value[i] <= '9';
      if (pattern[i] == '9' ? !digit : value[i] != pattern[i]) return false;
    }
    return true;
  };
  const bool date_only =
      shaped("9999-99-99") && std::sscanf(value.c_str(), "%4d-%2d-%2d", &year, &month, &day) == 3;
  const bool date_time = shaped("9999-99-99T99:99:99Z") &&
                         std::sscanf(value.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &year, &month, &day,
                                     &hour, &minute, &second) == 6;
  std::tm fields{};
  fields.tm_year = year - 1900;
  fields.tm_mon = month - 1;
  fields.tm_mday = day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  const std::tm wanted = fields;
  timegm(&fields);
  const bool on_the_calendar = fields.tm_year == wanted.tm_year && fields.tm_mon == wanted.tm_mon &&
                               fields.tm_mday == wanted.tm_mday &&
                               fields.tm_hour == wanted.tm_hour && fields.tm_min == wanted.tm_min &&
                               fields.tm_sec == wanted.tm_sec;
  if ((!date_only && !date_time) || year < 1900 || !on_the_calendar) {
    throw UsageError(
        "--finished-before must be YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Nd (days ago), a real date");
  }
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute,
                second);
  return text;
}

Options ParseOptions(const std::vector<std::string>& args, long long now) {
  Options options;
  std::vector<std::pair<std::string, std::string>> given;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--check-args") {
      options.check_args = true;
    } else if (arg.starts_with("--")) {
      const size_t equals = arg.find('=');
      const std::string flag = arg.substr(0, equals);
      if (TakesValue(flag)) {
        if (equals != std::string::npos) {
          given.emplace_back(flag, arg.substr(equals + 1));
        } else if (i + 1 < args.size()) {
          given.emplace_back(flag, args[++i]);
        } else {
          throw UsageError(flag + " needs a value");
        }
      } else {
        given.emplace_back(arg, "");
      }
    } else if (options.command.empty()) {
      options.command = arg;
    } else {
      throw UsageError("unexpected argument (" + std::to_string(i + 1) + "): commands take flags");
    }
  }
  if (options.help) return options;
  if (options.command.empty()) throw UsageError("no command given");
  const auto allowed = CommandOptions().find(options.command);
  if (allowed == CommandOptions().end()) throw UsageError("unknown command");

  std::string finished_before;
  for (const auto& [flag, value] : given) {
    if (flag != "--database-url" && !allowed->second.contains(flag)) {
      throw UsageError(flag.size() <= 40 ? options.command + " takes no " + flag
                                         : "unknown option");
    }
    if (flag == "--database-url") {
      options.database_url = value;
    } else if (flag == "--format") {
      if (value == "plain") {
        options.format = BackupFormat::kPlain;
      } else if (value == "gzip") {
        options.format = BackupFormat::kGzip;
      } else if (value == "custom") {
        options.format = BackupFormat::kCustom;
      } else {
        throw UsageError("--format must be plain, gzip or custom");
      }
    } else if (flag == "--output") {
      options.output = value;
    } else if (flag == "--dir") {
      options.dir = value;
    } else if (flag == "--keep") {
      options.keep = WholeNumber(flag, value, 1, 100000);
    } else if (flag == "--input") {
      options.input = value;
    } else if (flag == "--force") {
      options.force = true;
    } else if (flag == "--dry-run") {
      options.dry_run = true;
    } else if (flag == "--finished-before") {
      finished_before = value;
    } else if (flag == "--batch-size") {
      options.batch_size = WholeNumber(flag, value, 1, 100000);
    } else if (flag == "--task-id") {
      options.task_ids.push_back(WholeNumber(flag, value, 1, 2147483647));
    } else if (flag == "--all") {
      options.all = true;
    } else if (flag == "--full") {
      options.full = true;
    } else if (flag == "--analyze") {
      options.analyze = true;
    } else if (flag == "--table") {
      options.tables.push_back(value);
    }
  }
  if (!finished_before.empty()) options.due_before = ParseDueBefore(finished_before, now);

  if (options.command == "backup") {
    if (options.output.empty() == options.dir.empty()) {
      throw UsageError("backup needs --output FILE or --dir DIR (one of them)");
    }
    if (options.keep > 0 && options.dir.empty()) throw UsageError("--keep goes with --dir");
  } else if (options.command == "restore") {
    if (options.input.empty()) throw UsageError("restore needs --input FILE");
  } else if (options.command == "archive") {
    if (options.due_before.empty()) throw UsageError("archive needs --finished-before DATE");
  } else if (options.command == "unarchive") {
    const int selections = (options.task_ids.empty() ? 0 : 1) +
                           (options.due_before.empty() ? 0 : 1) + (options.all ? 1 : 0);
    if (selections != 1) {
      throw UsageError("unarchive needs one of --task-id, --finished-before or --all");
    }
  }
  return options;
}

std::string Usage(const std::string& command) {
  const auto found = CommandUsage().find(command);
  return found == CommandUsage().end() ? kGeneralUsage : found->second;
}

}  // namespace photoflow::admin
