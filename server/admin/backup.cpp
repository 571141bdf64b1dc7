#include "admin/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
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

// Each format's name (--format, reports) and file extension (--dir).
struct FormatInfo {
  const char* name;
  const char* extension;
};

FormatInfo Info(BackupFormat format) {
  switch (format) {
    case BackupFormat::kGzip:
      return {"gzip", ".sql.gz"};
    case BackupFormat::kCustom:
      return {"custom", ".dump"};
    case BackupFormat::kPlain:
      break;
  }
  return {"plain", ".sql"};
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
  return std::string("photoflow-") + stamp + Info(format).extension;
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

bool SchemaExists(Database& database) {
  pqxx::nontransaction txn(database.connection());
  return txn
      .exec_params("SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1)",
                   database.schema())[0][0]
      .as<bool>();
}

// The relations of the schema, tables first: what "empty" means for a
// restore, and what --force drops.
struct Relation {
  std::string name;
  std::string kind;  // TABLE, VIEW, MATERIALIZED VIEW, SEQUENCE, FOREIGN TABLE
};

std::vector<Relation> Relations(Database& database) {
  pqxx::nontransaction txn(database.connection());
  std::vector<Relation> relations;
  for (const pqxx::row& row : txn.exec_params(
           R"sql(SELECT c.relname,
       CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                      WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT (c.relkind = 'p' AND c.relispartition)
ORDER BY c.relkind IN ('r', 'p') DESC, c.relname)sql",
           database.schema())) {
    relations.push_back(Relation{.name = row[0].c_str(), .kind = row[1].c_str()});
  }
  return relations;
}

struct RowCounts {
  int64_t tasks = -1;  // -1: no such table
  int64_t comments = -1;
};

// Rows of "Tasks" and task_comments among `relations` (-1: no such table).
RowCounts CountRows(Database& database, const std::vector<Relation>& relations) {
  const auto has = [&relations](const char* table) {
    return std::any_of(relations.begin(), relations.end(),
                       [table](const Relation& relation) { return relation.name == table; });
  };
  pqxx::nontransaction txn(database.connection());
  RowCounts counts;
  if (has("Tasks")) {
    counts.tasks =
        txn.exec("SELECT pg_catalog.count(*) FROM " + database.QualifiedName("Tasks"))[0][0]
            .as<int64_t>();
  }
  if (has("task_comments")) {
    counts.comments =
        txn.exec("SELECT pg_catalog.count(*) FROM " + database.QualifiedName("task_comments"))[0][0]
            .as<int64_t>();
  }
  return counts;
}

// A backup's format, from its first bytes: custom ("PGDMP"), gzip, else plain.
BackupFormat ReadFormat(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char magic[5] = {};
  file.read(magic, sizeof magic);
  if (file.gcount() == 5 && std::string(magic, 5) == "PGDMP") return BackupFormat::kCustom;
  if (file.gcount() >= 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
      static_cast<unsigned char>(magic[1]) == 0x8b) {
    return BackupFormat::kGzip;
  }
  return BackupFormat::kPlain;
}

int ToolFailed(ToolProcess& tool, int code) {
  std::cerr << "photoflow-admin: " << tool.program() << " failed (exit code " << code << "):\n"
            << tool.ErrorTail() << std::endl;
  return 1;
}

// The last line pg_dump writes (plain format, and pg_restore --file=-): a
// stream without it was cut short.
constexpr std::string_view kDumpComplete = "-- PostgreSQL database dump complete";

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;  // psql stopped reading (it failed: its error says why)
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

// Restores as one transaction that commits only when the whole backup went
// through: psql reads BEGIN, the drops, the backup's SQL (the file, gzip's
// output or pg_restore's script) and, only once the producer has finished
// cleanly and the SQL ended with pg_dump's closing line, COMMIT. A damaged
// or cut file, or any failing statement (ON_ERROR_STOP), ends the session
// without COMMIT, and PostgreSQL rolls everything back. Returns "" on
// success, else what failed.
std::string RunRestore(BackupFormat format, const std::string& input,
                       const std::vector<std::string>& drops, const std::string& finish,
                       const ToolConnection& tool) {
  int to_psql[2];
  if (pipe2(to_psql, O_CLOEXEC) != 0) return "pipe failed";
  ToolProcess psql({"psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                    "--dbname=" + tool.conninfo, "--file=-"},
                   ToolEnv(tool), to_psql[0]);
  close(to_psql[0]);
  const int sink = to_psql[1];

  std::unique_ptr<ToolProcess> producer;
  int source = -1;
  if (format == BackupFormat::kPlain) {
    source = open(input.c_str(), O_RDONLY | O_CLOEXEC);
  } else {
    int from_producer[2];
    if (pipe2(from_producer, O_CLOEXEC) != 0) {
      close(sink);
      return "pipe failed";
    }
    std::vector<std::string> argv =
        format == BackupFormat::kGzip
            ? std::vector<std::string>{"gzip", "--decompress", "--stdout", input}
            // --clean --if-exists, as plain backups are made: each object of
            // the backup is dropped (if there) before it is created again.
            : std::vector<std::string>{"pg_restore", "--no-owner",  "--no-privileges",
                                       "--clean",    "--if-exists", "--file=-",
                                       input};
    producer =
        std::make_unique<ToolProcess>(argv, std::vector<std::string>{}, -1, from_producer[1]);
    close(from_producer[1]);
    source = from_producer[0];
  }

  // The extensions the migrations create, first: a backup carries no
  // extensions (Backup), and its search indexes need pg_trgm's operator
  // class. Trusted, so the owner may create it; a no-op where it exists.
  std::string head = "BEGIN;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n";
  for (const std::string& drop : drops) head += drop + ";\n";
  bool psql_reading = WriteAll(sink, head.data(), head.size());
  std::string tail;  // the stream's last bytes, for the closing line
  char buffer[65536];
  for (ssize_t n; psql_reading && source >= 0 && (n = read(source, buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    psql_reading = WriteAll(sink, buffer, static_cast<size_t>(n));
    tail.append(buffer, static_cast<size_t>(n));
    if (tail.size() > 4096) tail.erase(0, tail.size() - 4096);
  }
  if (source >= 0) close(source);
  std::string failure;
  if (producer) {
    if (!psql_reading) {
      producer.reset();  // psql failed: stop the producer too
    } else if (const int code = producer->Wait(); code != 0) {
      failure = producer->program() + " failed (exit code " + std::to_string(code) +
                "): " + producer->ErrorTail();
    }
  }
  if (failure.empty() && psql_reading && tail.find(kDumpComplete) == std::string::npos) {
    failure = "the backup ends before pg_dump's closing line (cut short or not a pg_dump file)";
  }
  if (failure.empty() && psql_reading) {
    // If psql has stopped by now, its exit code says why.
    const std::string commit = finish + "COMMIT;\n";
    WriteAll(sink, commit.data(), commit.size());
  }
  close(sink);
  const int psql_code = psql.Wait();
  if (psql_code != 0) {
    return "psql failed (exit code " + std::to_string(psql_code) + "): " + psql.ErrorTail();
  }
  return failure;
}

}  // namespace

int Backup(const Options& options, const config::DatabaseUrl& url) {
  const fs::path path = options.output.empty()
                            ? fs::path(options.dir) / TimestampedName(options.format)
                            : fs::path(options.output);
  const fs::path partial = path.string() + ".partial";
  if (fs::exists(path)) {
    std::cerr << "photoflow-admin: " << path.string()
              << " exists already; backup writes new files only" << std::endl;
    return 1;
  }
  const ToolConnection tool = ForTools(url);
  std::vector<std::string> argv = {"pg_dump", "--no-owner", "--no-privileges",
                                   "--file=" + partial.string(), "--dbname=" + tool.conninfo};
  if (options.format == BackupFormat::kCustom) {
    argv.emplace_back("--format=custom");  // pg_restore --clean decides at restore time
  } else {
    // DROP ... IF EXISTS ahead of each object: a plain backup restores over
    // the same database (restore --force) as well as into an empty one.
    argv.insert(argv.end(), {"--format=plain", "--clean", "--if-exists"});
  }
  if (options.format == BackupFormat::kGzip) argv.emplace_back("--compress=6");
  // No extensions (plpgsql matches one that is never dumped anyway): not
  // those a superuser installed (pg_stat_statements), which a restore as the
  // owner could not create, and not pg_trgm either, which restore creates
  // itself wherever the target database has it or not. A Prisma-style
  // ?schema= dumps that schema alone (and a restore recreates it).
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
      const std::string name = entry.path().filename().string();
      // Of this format only: a weekly custom backup is not pruned by daily plain ones.
      if (entry.is_regular_file() && std::regex_match(name, BackupNamePattern()) &&
          name.ends_with(Info(options.format).extension) &&
          (options.format != BackupFormat::kPlain || !name.ends_with(".sql.gz"))) {
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
                     .Add("format", Info(options.format).name)
                     .Add("bytes", bytes)
                     .Add("seconds", seconds)
                     .AddRaw("deleted", JsonArray(deleted_json))
                     .str()
              << std::endl;
  } else {
    std::cout << "backup: wrote " << path.string() << " (" << Info(options.format).name << ", "
              << HumanBytes(bytes) << ") in " << SecondsText(seconds) << std::endl;
    for (const auto& name : deleted) std::cout << "backup: deleted " << name << " (--keep)\n";
  }
  return 0;
}

int Restore(const Options& options, const config::DatabaseUrl& url) {
  std::error_code error;
  const auto bytes = static_cast<int64_t>(fs::file_size(options.input, error));
  if (error) {
    std::cerr << "photoflow-admin: cannot read --input: " << error.message() << std::endl;
    return 1;
  }
  const BackupFormat format = ReadFormat(options.input);
  Database database(url);
  const std::vector<Relation> relations = Relations(database);
  if (!relations.empty() && !options.force) {
    const RowCounts before = CountRows(database, relations);
    std::cerr << "photoflow-admin: refusing to restore: schema " << database.schema() << " has "
              << relations.size() << " table(s), view(s) or sequence(s)";
    if (before.tasks >= 0) std::cerr << ", \"Tasks\" with " << before.tasks << " row(s)";
    std::cerr << ". Restore into an empty database, or pass --force to drop them first."
              << std::endl;
    return 1;
  }
  // What goes, in the restore's own transaction: a schema other than public
  // whole (the backup creates it again), else every relation in public.
  std::vector<std::string> drops;
  if (database.schema() != "public" && SchemaExists(database)) {
    drops.push_back("DROP SCHEMA " + database.connection().quote_name(database.schema()) +
                    " CASCADE");
  } else {
    for (const Relation& relation : relations) {
      drops.push_back("DROP " + relation.kind + " IF EXISTS " +
                      database.QualifiedName(relation.name) + " CASCADE");
    }
  }
  // WatchTasks' resume tokens name positions in the change log of the
  // database they came from: a new epoch expires them (TOKEN_EXPIRED), since
  // the restored log's positions go back in time. Where the backup has no
  // change log (older than it), there is nothing to expire.
  const std::string watch_state =
      database.connection().quote(database.QualifiedName("photoflow_watch_state"));
  const std::string finish =
      "SELECT pg_catalog.format('UPDATE %s SET epoch = pg_catalog.gen_random_uuid()', "
      "pg_catalog.to_regclass(" +
      watch_state + ")) WHERE pg_catalog.to_regclass(" + watch_state + ") IS NOT NULL \\gexec\n";
  if (options.dry_run) {
    if (options.json) {
      std::vector<std::string> names;
      names.reserve(relations.size());
      for (const auto& relation : relations) names.push_back(log::JsonString(relation.name));
      std::cout << JsonObject()
                       .Add("command", "restore")
                       .Add("dry_run", true)
                       .Add("file", options.input)
                       .Add("format", Info(format).name)
                       .Add("bytes", bytes)
                       .AddRaw("would_drop", JsonArray(names))
                       .str()
                << std::endl;
    } else {
      std::cout << "restore (dry run): would restore " << options.input << " (" << Info(format).name
                << ", " << HumanBytes(bytes) << ") into schema " << database.schema() << "\n";
      for (const auto& relation : relations) {
        std::cout << "restore (dry run): would drop " << relation.name << "\n";
      }
    }
    return 0;
  }

  const auto started = std::chrono::steady_clock::now();
  Progress progress("restore");
  progress.Report("restoring " + std::string(Info(format).name) + " backup " + options.input +
                  " (" + HumanBytes(bytes) + ")");
  const std::string failure = RunRestore(format, options.input, drops, finish, ForTools(url));
  progress.Done();
  if (!failure.empty()) {
    std::cerr << "photoflow-admin: restore failed, nothing was changed: " << failure << std::endl;
    return 1;
  }
  const RowCounts after = CountRows(database, Relations(database));
  const double seconds = SecondsSince(started);
  if (options.json) {
    std::cout << JsonObject()
                     .Add("command", "restore")
                     .Add("file", options.input)
                     .Add("format", Info(format).name)
                     .Add("dropped", static_cast<int64_t>(drops.size()))
                     .Add("tasks", after.tasks)
                     .Add("comments", after.comments)
                     .Add("seconds", seconds)
                     .str()
              << std::endl;
  } else {
    std::cout << "restore: restored " << options.input << " (" << Info(format).name << ") in "
              << SecondsText(seconds) << ": " << after.tasks << " tasks, " << after.comments
              << " comments" << std::endl;
  }
  return 0;
}

}  // namespace photoflow::admin
