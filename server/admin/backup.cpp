#include "admin/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <thread>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "admin/report.hpp"
#include "admin/tool_process.hpp"
#include "log/logger.hpp"

namespace photoflow::admin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* Extension(BackupFormat format) {
  switch (format) {
    case BackupFormat::kPlain:
      return ".sql";
    case BackupFormat::kGzip:
      return ".sql.gz";
    case BackupFormat::kCustom:
      return ".dump";
  }
  return ".sql";
}

const char* FormatName(BackupFormat format) {
  switch (format) {
    case BackupFormat::kPlain:
      return "plain";
    case BackupFormat::kGzip:
      return "gzip";
    case BackupFormat::kCustom:
      return "custom";
  }
  return "plain";
}

// photoflow-YYYYMMDDTHHMMSSZ.<ext>: names that sort by time.
const std::regex& BackupNamePattern() {
  static const std::regex pattern(R"(photoflow-\d{8}T\d{6}Z\.(sql|sql\.gz|dump))");
  return pattern;
}

std::string TimestampedName(BackupFormat format) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return std::string("photoflow-") + stamp + Extension(format);
}

// The file's data and its directory entry on disk before it is called done.
void SyncFileAndDirectory(const fs::path& file) {
  for (const fs::path& path :
       {file, file.parent_path().empty() ? fs::path(".") : file.parent_path()}) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      fsync(fd);
      close(fd);
    }
  }
}

std::vector<std::string> ToolEnv(const ToolConnection& tool) {
  std::vector<std::string> env;
  if (!tool.password.empty()) env.push_back("PGPASSWORD=" + tool.password);
  return env;
}

std::vector<std::string> Tables(Database& database) {
  pqxx::nontransaction txn(database.connection());
  std::vector<std::string> tables;
  for (const pqxx::row& row : txn.exec_params(
           "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1 ORDER BY 1",
           database.schema())) {
    tables.emplace_back(row[0].c_str());
  }
  return tables;
}

bool SchemaExists(Database& database) {
  pqxx::nontransaction txn(database.connection());
  return txn
      .exec_params("SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1)",
                   database.schema())[0][0]
      .as<bool>();
}

struct RowCounts {
  int64_t tasks = -1;  // -1: no such table
  int64_t comments = -1;
};

RowCounts CountRows(Database& database) {
  const auto tables = Tables(database);
  pqxx::nontransaction txn(database.connection());
  RowCounts counts;
  if (std::find(tables.begin(), tables.end(), "Tasks") != tables.end()) {
    counts.tasks =
        txn.exec("SELECT pg_catalog.count(*) FROM " + database.QualifiedName("Tasks"))[0][0]
            .as<int64_t>();
  }
  if (std::find(tables.begin(), tables.end(), "task_comments") != tables.end()) {
    counts.comments =
        txn.exec("SELECT pg_catalog.count(*) FROM " + database.QualifiedName("task_comments"))[0][0]
            .as<int64_t>();
  }
  return counts;
}

enum class FileFormat { kPlain, kGzip, kCustom };

FileFormat ReadFormat(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char magic[5] = {};
  file.read(magic, sizeof magic);
  if (file.gcount() == 5 && std::string(magic, 5) == "PGDMP") return FileFormat::kCustom;
  if (file.gcount() >= 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
      static_cast<unsigned char>(magic[1]) == 0x8b) {
    return FileFormat::kGzip;
  }
  return FileFormat::kPlain;
}

const char* FileFormatName(FileFormat format) {
  return format == FileFormat::kCustom ? "custom" : format == FileFormat::kGzip ? "gzip" : "plain";
}

int ToolFailed(ToolProcess& tool, int code) {
  std::cerr << "photoflow-admin: " << tool.program() << " failed (exit code " << code << "):\n"
            << tool.ErrorTail() << std::endl;
  return 1;
}

}  // namespace

int Backup(const Options& options, const config::DatabaseUrl& url) {
  const fs::path path = options.output.empty()
                            ? fs::path(options.dir) / TimestampedName(options.format)
                            : fs::path(options.output);
  const fs::path partial = path.string() + ".partial";
  const ToolConnection tool = ForTools(url);
  std::vector<std::string> argv = {"pg_dump", "--no-owner", "--no-privileges",
                                   "--file=" + partial.string(), "--dbname=" + tool.url};
  if (options.format == BackupFormat::kCustom) {
    argv.emplace_back("--format=custom");  // pg_restore --clean decides at restore time
  } else {
    // DROP ... IF EXISTS ahead of each object: a plain backup restores over
    // the same database (restore --force) as well as into an empty one.
    argv.insert(argv.end(), {"--format=plain", "--clean", "--if-exists"});
  }
  if (options.format == BackupFormat::kGzip) argv.emplace_back("--compress=6");
  // Only the extensions the owner may create again (none needs more than
  // plpgsql so far), not those a superuser installed (pg_stat_statements),
  // which a restore as the owner could not create. A Prisma-style ?schema=
  // dumps that schema alone (and a restore recreates it).
  argv.emplace_back("--extension=plpgsql");
  if (!url.schema.empty()) argv.emplace_back("--schema=" + url.schema);

  const auto started = std::chrono::steady_clock::now();
  Progress progress("backup");
  ToolProcess dump(argv, ToolEnv(tool));
  auto last_report = started;
  while (dump.Running()) {
    std::this_thread::sleep_for(100ms);  // a progress display, not synchronisation
    if (std::chrono::steady_clock::now() - last_report >= 1s) {
      last_report = std::chrono::steady_clock::now();
      std::error_code error;
      const auto bytes = fs::file_size(partial, error);
      progress.Report(HumanBytes(error ? 0 : static_cast<int64_t>(bytes)) + " written");
    }
  }
  const int code = dump.Wait();
  progress.Done();
  if (code != 0) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    return ToolFailed(dump, code);
  }
  SyncFileAndDirectory(partial);
  fs::rename(partial, path);
  SyncFileAndDirectory(path);
  const auto bytes = static_cast<int64_t>(fs::file_size(path));

  std::vector<std::string> deleted;
  if (options.keep > 0) {
    std::vector<fs::path> backups;
    for (const auto& entry : fs::directory_iterator(options.dir)) {
      if (entry.is_regular_file() &&
          std::regex_match(entry.path().filename().string(), BackupNamePattern())) {
        backups.push_back(entry.path());
      }
    }
    std::sort(backups.begin(), backups.end(), std::greater<>());
    for (auto i = static_cast<size_t>(options.keep); i < backups.size(); ++i) {
      fs::remove(backups[i]);
      deleted.emplace_back(backups[i].filename().string());
    }
  }
  const double seconds = SecondsSince(started);
  if (options.json) {
    std::vector<std::string> deleted_json;
    deleted_json.reserve(deleted.size());
    for (const auto& name : deleted) deleted_json.push_back(log::JsonString(name));
    std::cout << JsonObject()
                     .Add("command", "backup")
                     .Add("file", path.string())
                     .Add("format", FormatName(options.format))
                     .Add("bytes", bytes)
                     .Add("seconds", seconds)
                     .AddRaw("deleted", JsonArray(deleted_json))
                     .str()
              << std::endl;
  } else {
    std::cout << "backup: wrote " << path.string() << " (" << FormatName(options.format) << ", "
              << HumanBytes(bytes) << ") in " << SecondsText(seconds) << std::endl;
    for (const auto& name : deleted) std::cout << "backup: deleted " << name << " (--keep)\n";
  }
  return 0;
}

int Restore(const Options& options, const config::DatabaseUrl& url) {
  std::error_code error;
  const auto bytes = fs::file_size(options.input, error);
  if (error) {
    std::cerr << "photoflow-admin: cannot read --input: " << error.message() << std::endl;
    return 1;
  }
  const FileFormat format = ReadFormat(options.input);
  Database database(url);
  const std::vector<std::string> tables = Tables(database);
  const RowCounts before = CountRows(database);
  if (!tables.empty() && !options.force) {
    std::cerr << "photoflow-admin: refusing to restore: schema " << database.schema() << " has "
              << tables.size() << " table(s)";
    if (before.tasks >= 0) std::cerr << ", \"Tasks\" with " << before.tasks << " row(s)";
    std::cerr << ". Restore into an empty database, or pass --force to drop them first."
              << std::endl;
    return 1;
  }
  // With --force, the tables go in the same transaction as the restore:
  // DROP statements ahead of a plain dump, --clean for pg_restore. A backup
  // of a schema other than public creates that schema, so it goes too (when
  // empty, without --force).
  std::vector<std::string> drops;
  const bool own_schema = database.schema() != "public";
  if (own_schema && SchemaExists(database)) {
    drops.push_back("DROP SCHEMA " + database.connection().quote_name(database.schema()) +
                    (tables.empty() ? "" : " CASCADE"));
  } else {
    for (const std::string& table : tables) {
      drops.push_back("DROP TABLE IF EXISTS " + database.QualifiedName(table) + " CASCADE");
    }
  }
  if (options.dry_run) {
    if (options.json) {
      std::vector<std::string> names;
      names.reserve(tables.size());
      for (const auto& table : tables) names.push_back(log::JsonString(table));
      std::cout << JsonObject()
                       .Add("command", "restore")
                       .Add("dry_run", true)
                       .Add("file", options.input)
                       .Add("format", FileFormatName(format))
                       .Add("bytes", static_cast<int64_t>(bytes))
                       .AddRaw("would_drop", JsonArray(names))
                       .str()
                << std::endl;
    } else {
      std::cout << "restore (dry run): would restore " << options.input << " ("
                << FileFormatName(format) << ", " << HumanBytes(static_cast<int64_t>(bytes))
                << ") into schema " << database.schema() << "\n";
      for (const auto& table : tables)
        std::cout << "restore (dry run): would drop " << table << "\n";
    }
    return 0;
  }

  const ToolConnection tool = ForTools(url);
  const auto started = std::chrono::steady_clock::now();
  Progress progress("restore");
  progress.Report("restoring " + std::string(FileFormatName(format)) + " backup " + options.input +
                  " (" + HumanBytes(static_cast<int64_t>(bytes)) + ")");
  int code = 0;
  if (format == FileFormat::kCustom) {
    std::vector<std::string> argv = {"pg_restore",      "--no-owner",
                                     "--no-privileges", "--single-transaction",
                                     "--exit-on-error", "--dbname=" + tool.url};
    if (!drops.empty()) {
      argv.emplace_back("--clean");
      argv.emplace_back("--if-exists");
    }
    argv.emplace_back(options.input);
    ToolProcess restore(argv, ToolEnv(tool));
    code = restore.Wait();
    progress.Done();
    if (code != 0) return ToolFailed(restore, code);
  } else {
    std::vector<std::string> argv = {"psql",
                                     "--no-psqlrc",
                                     "--quiet",
                                     "--set=ON_ERROR_STOP=1",
                                     "--single-transaction",
                                     "--dbname=" + tool.url};
    for (const std::string& drop : drops) argv.emplace_back("--command=" + drop);
    if (format == FileFormat::kPlain) {
      argv.emplace_back("--file=" + options.input);
      ToolProcess psql(argv, ToolEnv(tool));
      code = psql.Wait();
      progress.Done();
      if (code != 0) return ToolFailed(psql, code);
    } else {
      // gzip -dc FILE | psql --file=-
      argv.emplace_back("--file=-");
      int pipe_fds[2];
      if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
      ToolProcess gunzip({"gzip", "--decompress", "--stdout", options.input}, {}, -1, pipe_fds[1]);
      close(pipe_fds[1]);
      ToolProcess psql(argv, ToolEnv(tool), pipe_fds[0]);
      close(pipe_fds[0]);
      code = psql.Wait();
      const int gunzip_code = gunzip.Wait();
      progress.Done();
      if (code != 0) return ToolFailed(psql, code);
      if (gunzip_code != 0) return ToolFailed(gunzip, gunzip_code);
    }
  }
  const RowCounts after = CountRows(database);
  const double seconds = SecondsSince(started);
  if (options.json) {
    std::cout << JsonObject()
                     .Add("command", "restore")
                     .Add("file", options.input)
                     .Add("format", FileFormatName(format))
                     .Add("dropped_tables", static_cast<int64_t>(tables.size()))
                     .Add("tasks", after.tasks)
                     .Add("comments", after.comments)
                     .Add("seconds", seconds)
                     .str()
              << std::endl;
  } else {
    std::cout << "restore: restored " << options.input << " (" << FileFormatName(format) << ") in "
              << SecondsText(seconds) << ": " << after.tasks << " tasks, " << after.comments
              << " comments" << std::endl;
  }
  return 0;
}

}  // namespace photoflow::admin
