// photoflow-admin as operators and the CronJobs run it: backup and restore
// round trips, archive and unarchive (with a kill in the middle), vacuum and
// stats, against the test PostgreSQL.
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::TempDir;
using testing::TestSchema;

constexpr auto kTimeout = 120s;

struct AdminRun {
  int code;
  std::string output;
};

AdminRun Admin(const std::string& database_url, const std::vector<std::string>& args) {
  ChildProcess admin(PHOTOFLOW_ADMIN_BINARY, args, {{"DATABASE_URL", database_url}});
  const std::optional<int> code = admin.WaitForExit(kTimeout);
  return {code.value_or(-1), admin.Output()};
}

// The line of the output that holds --json's object.
std::string JsonLine(const std::string& output) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{")) return line;
  }
  return "";
}

// 30 tasks due 2026-01-02 to 2026-01-31, every third unfinished, task i with
// i % 4 comments and amount_of_comments to match.
void Seed(pqxx::connection& connection) {
  pqxx::work txn(connection);
  txn.exec(R"sql(
    INSERT INTO "Tasks" (id, "dueAt", task, additional_information, status, is_finished,
                         amount_of_comments, "taskColumn")
    SELECT i, TIMESTAMP '2026-01-01' + i * INTERVAL '1 day', 'Order ' || i, 'notes ' || i,
           'Delivered', i % 3 <> 0, i % 4, (i % 3)::text
    FROM generate_series(1, 30) AS i)sql");
  txn.exec(R"sql(
    INSERT INTO task_comments (task_id, comment)
    SELECT t.id, 'comment ' || c || ' on ' || t.id
    FROM "Tasks" t, generate_series(1, 3) AS c WHERE c <= t.id % 4)sql");
  txn.exec(R"sql(SELECT setval(pg_get_serial_sequence('"Tasks"', 'id'), 30))sql");
  txn.commit();
}

void Seed(const TestSchema& schema) { Seed(*schema.Connect()); }

// Tasks finished and due before 2026-01-21: i in 1..19, not a multiple of 3.
constexpr const char* kArchiveCutoff = "2026-01-21";
constexpr const char* kEligible = "1,2,4,5,7,8,10,11,13,14,16,17,19";

std::string Ids(const TestSchema& schema, const std::string& table) {
  return schema.QueryValue("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM " +
                           table);
}

// Tasks whose amount_of_comments differs from their comments, in both places.
std::string CounterMismatches(const TestSchema& schema) {
  return schema.QueryValue(R"sql(
    SELECT (SELECT count(*) FROM "Tasks" t
            WHERE amount_of_comments <> (SELECT count(*) FROM task_comments c
                                         WHERE c.task_id = t.id))
         + (SELECT count(*) FROM photoflow_archived_tasks t
            WHERE amount_of_comments <> (SELECT count(*) FROM photoflow_archived_task_comments c
                                         WHERE c.task_id = t.id)))sql");
}

// Every row of the board's tables and the archive, as one digest.
std::string Digest(pqxx::connection& connection) {
  pqxx::nontransaction txn(connection);
  return txn
      .exec(R"sql(SELECT md5(
        (SELECT coalesce(string_agg(t::text, '|' ORDER BY id), '') FROM "Tasks" t) ||
        (SELECT coalesce(string_agg(c::text, '|' ORDER BY id), '') FROM task_comments c) ||
        (SELECT coalesce(string_agg(a::text, '|' ORDER BY id), '') FROM photoflow_archived_tasks a) ||
        (SELECT coalesce(string_agg(b::text, '|' ORDER BY id), '')
           FROM photoflow_archived_task_comments b)))sql")[0][0]
      .c_str();
}

// `url` with its database name replaced (its query, if any, kept).
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t query = url.find('?');
  const std::string path = url.substr(0, query);
  return path.substr(0, path.rfind('/') + 1) + database +
         (query == std::string::npos ? "" : url.substr(query));
}

// A database of its own, for a restore, dropped afterwards.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(std::string name) : name_(std::move(name)) {
    pqxx::connection owner(testing::BaseDatabaseUrl());
    pqxx::nontransaction(owner).exec("DROP DATABASE IF EXISTS " + owner.quote_name(name_) +
                                     " WITH (FORCE)");
    pqxx::nontransaction(owner).exec("CREATE DATABASE " + owner.quote_name(name_));
  }
  ~ScratchDatabase() {
    pqxx::connection owner(testing::BaseDatabaseUrl());
    pqxx::nontransaction(owner).exec("DROP DATABASE IF EXISTS " + owner.quote_name(name_) +
                                     " WITH (FORCE)");
  }
  // Its URL (the public schema).
  std::string Url() const { return WithDatabase(testing::BaseDatabaseUrl(), name_); }
  // Its URL, with the same ?schema= as `schema` (a backup recreates it).
  std::string Url(const TestSchema& schema) const {
    const std::string url = WithDatabase(testing::BaseDatabaseUrl(), name_);
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema.name();
  }
  std::unique_ptr<pqxx::connection> Connect() const {
    return std::make_unique<pqxx::connection>(Url());
  }
  std::unique_ptr<pqxx::connection> Connect(const TestSchema& schema) const {
    auto connection =
        std::make_unique<pqxx::connection>(WithDatabase(testing::BaseDatabaseUrl(), name_));
    pqxx::nontransaction(*connection)
        .exec_params("SELECT set_config('search_path', $1, false)", schema.name());
    return connection;
  }

 private:
  std::string name_;
};

TEST(AdminCliTest, EveryCommandHasHelpAndBadCommandLinesAreUsageErrors) {
  for (const char* command : {"backup", "restore", "archive", "unarchive", "vacuum", "stats"}) {
    const AdminRun help = Admin("", {command, "--help"});
    EXPECT_EQ(help.code, 0) << command;
    EXPECT_NE(help.output.find(std::string("photoflow-admin ") + command), std::string::npos)
        << help.output;
  }
  EXPECT_EQ(Admin("", {"--help"}).code, 0);
  EXPECT_EQ(Admin("", {"compact"}).code, 2);
  EXPECT_EQ(Admin("", {"backup"}).code, 2);  // neither --output nor --dir
  EXPECT_EQ(Admin("", {"archive", "--finished-before", "yesterday"}).code, 2);
  EXPECT_EQ(Admin("", {"archive", "--finished-before", "2026-02-31", "--check-args"}).code, 2);
  EXPECT_EQ(Admin("", {"archive", "--finished-before", "2026-01-1x", "--check-args"}).code, 2);
  EXPECT_EQ(Admin("", {"unarchive", "--all", "--task-id", "3"}).code, 2);
  EXPECT_EQ(Admin("", {"stats"}).code, 2) << "no DATABASE_URL";
  const AdminRun valid = Admin("", {"archive", "--finished-before", "365d", "--check-args"});
  EXPECT_EQ(valid.code, 0) << valid.output;
}

class BackupRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BackupRoundTripTest, RestoresIntoAnEmptyDatabaseWithEveryRowEqual) {
  TestSchema source;
  Seed(source);
  ASSERT_EQ(Admin(source.owner_url(), {"archive", "--finished-before", "2026-01-05"}).code, 0);
  TempDir dir;
  const std::string file = (dir.path() / ("backup." + GetParam())).string();
  const AdminRun backup =
      Admin(source.owner_url(), {"backup", "--format", GetParam(), "--output", file, "--json"});
  ASSERT_EQ(backup.code, 0) << backup.output;
  EXPECT_NE(JsonLine(backup.output).find("\"format\":\"" + GetParam() + "\""), std::string::npos)
      << backup.output;
  EXPECT_FALSE(std::filesystem::exists(file + ".partial"));

  ScratchDatabase target("pf_restore_" + source.name());
  const AdminRun restore = Admin(target.Url(source), {"restore", "--input", file, "--json"});
  ASSERT_EQ(restore.code, 0) << restore.output;
  // 30 tasks, less the two finished ones due before 2026-01-05 (archived).
  EXPECT_NE(JsonLine(restore.output).find("\"tasks\":28,\"comments\":"), std::string::npos)
      << restore.output;
  EXPECT_EQ(Digest(*target.Connect(source)), Digest(*source.Connect()));
  // The change log comes back, under a new epoch: WatchTasks tokens of the
  // database the backup came from expire (TOKEN_EXPIRED) instead of resuming
  // from positions the restored log has not reached.
  const auto value = [](pqxx::connection& connection, const char* sql) {
    return std::string(pqxx::nontransaction(connection).exec(sql)[0][0].c_str());
  };
  const char* kEpoch = "SELECT epoch::text FROM photoflow_watch_state";
  const char* kChanges = "SELECT count(*) FROM photoflow_task_changes";
  EXPECT_NE(value(*target.Connect(source), kEpoch), value(*source.Connect(), kEpoch));
  EXPECT_EQ(value(*target.Connect(source), kChanges), value(*source.Connect(), kChanges));
  EXPECT_NE(value(*source.Connect(), kChanges), "0");
}

INSTANTIATE_TEST_SUITE_P(Formats, BackupRoundTripTest,
                         ::testing::Values("plain", "gzip", "custom"));

TEST(AdminCliTest, RestoreRefusesANonEmptyDatabaseUnlessForced) {
  TestSchema source;
  Seed(source);
  TempDir dir;
  const std::string file = (dir.path() / "backup.dump").string();
  ASSERT_EQ(Admin(source.owner_url(), {"backup", "--format", "custom", "--output", file}).code, 0);
  const std::string before = Digest(*source.Connect());
  // Changed after the backup: the refused restore must leave this in place.
  source.QueryValue("UPDATE \"Tasks\" SET status = 'Changed' WHERE id = 1 RETURNING id");
  const std::string changed = Digest(*source.Connect());

  const AdminRun refused = Admin(source.owner_url(), {"restore", "--input", file});
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_NE(refused.output.find("refusing to restore"), std::string::npos) << refused.output;
  EXPECT_EQ(Digest(*source.Connect()), changed);

  const AdminRun dry_run =
      Admin(source.owner_url(), {"restore", "--input", file, "--force", "--dry-run"});
  EXPECT_EQ(dry_run.code, 0) << dry_run.output;
  EXPECT_NE(dry_run.output.find("would drop Tasks"), std::string::npos) << dry_run.output;
  EXPECT_EQ(Digest(*source.Connect()), changed);

  const AdminRun forced = Admin(source.owner_url(), {"restore", "--input", file, "--force"});
  EXPECT_EQ(forced.code, 0) << forced.output;
  EXPECT_EQ(Digest(*source.Connect()), before);
}

TEST(AdminCliTest, BackupDirKeepsTheNewestBackupsOfItsFormat) {
  TestSchema schema;
  TempDir dir;
  // Older backups of the same name form (two of this format), and files
  // that --keep must leave alone: another format's, and one of another name.
  for (const char* name : {"photoflow-20250101T000000Z.dump", "photoflow-20250102T000000Z.dump",
                           "photoflow-20250103T000000Z.sql.gz", "notes.txt"}) {
    std::ofstream(dir.path() / name) << "old";
  }
  const AdminRun backup = Admin(schema.owner_url(), {"backup", "--format", "custom", "--dir",
                                                     dir.path().string(), "--keep", "2", "--json"});
  ASSERT_EQ(backup.code, 0) << backup.output;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 4U) << backup.output;
  EXPECT_EQ(names[0], "notes.txt");
  EXPECT_EQ(names[1], "photoflow-20250102T000000Z.dump");
  EXPECT_EQ(names[2], "photoflow-20250103T000000Z.sql.gz");
  EXPECT_TRUE(std::regex_match(names[3], std::regex(R"(photoflow-\d{8}T\d{6}Z\.dump)")))
      << names[3];
  EXPECT_NE(JsonLine(backup.output).find(R"("deleted":["photoflow-20250101T000000Z.dump"])"),
            std::string::npos)
      << backup.output;
  // A backup never overwrites a file.
  const std::string existing = (dir.path() / "notes.txt").string();
  EXPECT_EQ(Admin(schema.owner_url(), {"backup", "--output", existing}).code, 1);
  std::ifstream kept(existing);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "old");
}

// The public schema of a database of its own, migrated and seeded, backed up;
// then changed (a task more, a table more).
class PublicSchemaRestoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  PublicSchemaRestoreTest() {
    ChildProcess migrate(PHOTOFLOW_MIGRATE_BINARY, {"deploy"},
                         {{"DATABASE_URL", database_.Url()}, {"PHOTOFLOW_MIGRATIONS_DIR", ""}});
    EXPECT_EQ(migrate.WaitForExit(kTimeout), 0) << migrate.Output();
    Seed(*database_.Connect());
    EXPECT_EQ(Admin(database_.Url(), {"backup", "--format", GetParam(), "--output", file_}).code,
              0);
    backed_up_ = Digest(*database_.Connect());
    pqxx::connection connection(database_.Url());
    pqxx::nontransaction(connection).exec(R"sql(
      INSERT INTO "Tasks" ("dueAt", task, additional_information, status)
      VALUES (now(), 'After the backup', '', 'New')
      RETURNING id)sql");
    pqxx::nontransaction(connection).exec("CREATE TABLE extra (id int)");
    changed_ = Digest(*database_.Connect());
  }

  std::string Extra() {
    pqxx::connection connection(database_.Url());
    return pqxx::nontransaction(connection)
        .exec("SELECT to_regclass('extra') IS NULL")[0][0]
        .c_str();
  }

  ScratchDatabase database_{"pf_restore_public_" + std::to_string(getpid())};
  TempDir dir_;
  const std::string file_ = (dir_.path() / ("backup." + GetParam())).string();
  std::string backed_up_;
  std::string changed_;
};

TEST_P(PublicSchemaRestoreTest, ForceReplacesEverythingInOneTransaction) {
  ASSERT_NE(backed_up_, changed_);
  const AdminRun restore = Admin(database_.Url(), {"restore", "--input", file_, "--force"});
  ASSERT_EQ(restore.code, 0) << restore.output;
  EXPECT_EQ(Digest(*database_.Connect()), backed_up_);
  EXPECT_EQ(Extra(), "t") << "a table the backup does not have is dropped too";
}

TEST_P(PublicSchemaRestoreTest, ACutShortBackupRestoresNothing) {
  // Half the file: a gzip stream without its end, a custom archive without
  // its last tables, a plain dump without its closing line.
  const auto size = std::filesystem::file_size(file_);
  std::filesystem::resize_file(file_, size / 2);
  const AdminRun restore = Admin(database_.Url(), {"restore", "--input", file_, "--force"});
  EXPECT_EQ(restore.code, 1) << restore.output;
  EXPECT_NE(restore.output.find("nothing was changed"), std::string::npos) << restore.output;
  EXPECT_EQ(Digest(*database_.Connect()), changed_);
  EXPECT_EQ(Extra(), "f") << "the drops were rolled back with the rest";
}

INSTANTIATE_TEST_SUITE_P(Formats, PublicSchemaRestoreTest,
                         ::testing::Values("plain", "gzip", "custom"));

TEST(AdminCliTest, ArchiveMovesExactlyTheFinishedTasksDueBeforeTheDateOnce) {
  TestSchema schema;
  Seed(schema);
  const std::string all_before = Digest(*schema.Connect());

  const AdminRun dry_run = Admin(
      schema.owner_url(), {"archive", "--finished-before", kArchiveCutoff, "--dry-run", "--json"});
  ASSERT_EQ(dry_run.code, 0) << dry_run.output;
  EXPECT_NE(JsonLine(dry_run.output).find("\"tasks\":13"), std::string::npos) << dry_run.output;
  EXPECT_EQ(Digest(*schema.Connect()), all_before);

  const AdminRun archive =
      Admin(schema.owner_url(),
            {"archive", "--finished-before", kArchiveCutoff, "--batch-size", "4", "--json"});
  ASSERT_EQ(archive.code, 0) << archive.output;
  EXPECT_NE(JsonLine(archive.output).find("\"batches\":4,\"tasks\":13"), std::string::npos)
      << archive.output;
  EXPECT_NE(JsonLine(archive.output).find("\"counters_match\":true"), std::string::npos);
  EXPECT_EQ(Ids(schema, "photoflow_archived_tasks"), kEligible);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "17");
  EXPECT_EQ(
      schema.QueryValue("SELECT count(*) FROM task_comments c JOIN photoflow_archived_tasks a "
                        "ON a.id = c.task_id"),
      "0");
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM photoflow_archived_task_comments"),
            schema.QueryValue("SELECT sum(amount_of_comments) FROM photoflow_archived_tasks"));
  EXPECT_EQ(CounterMismatches(schema), "0");

  // Idempotent: nothing more matches.
  const std::string after_first = Digest(*schema.Connect());
  const AdminRun again =
      Admin(schema.owner_url(), {"archive", "--finished-before", kArchiveCutoff, "--json"});
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(JsonLine(again.output).find("\"batches\":0,\"tasks\":0"), std::string::npos);
  EXPECT_EQ(Digest(*schema.Connect()), after_first);

  // And back: unarchive restores the board exactly as it was.
  const AdminRun back = Admin(schema.owner_url(), {"unarchive", "--all", "--batch-size", "5"});
  ASSERT_EQ(back.code, 0) << back.output;
  EXPECT_EQ(Digest(*schema.Connect()), all_before);
}

TEST(AdminCliTest, UnarchiveOfOneTaskBringsItsCommentsBack) {
  TestSchema schema;
  Seed(schema);
  ASSERT_EQ(Admin(schema.owner_url(), {"archive", "--finished-before", kArchiveCutoff}).code, 0);
  const AdminRun back = Admin(schema.owner_url(), {"unarchive", "--task-id", "7", "--json"});
  ASSERT_EQ(back.code, 0) << back.output;
  EXPECT_NE(JsonLine(back.output).find("\"tasks\":1,\"comments\":3"), std::string::npos)
      << back.output;
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM task_comments WHERE task_id = 7"), "3");
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM photoflow_archived_tasks WHERE id = 7"), "0");
  EXPECT_EQ(CounterMismatches(schema), "0");
}

// A run killed with SIGKILL in the middle of a batch: the batches committed
// before stay archived, the open one rolls back whole, and the next run
// finishes the work, with nothing lost or moved twice.
TEST(AdminCliTest, ArchiveKilledMidRunIsFinishedByTheNextRun) {
  TestSchema schema;
  Seed(schema);
  const std::string application = "pf_admin_" + schema.name();
  // An uncommitted archive row with id 7 (the fifth eligible task): batches
  // of two commit 1, 2, 4 and 5, then the third waits on this row's key.
  auto blocker = schema.Connect();
  pqxx::work blocking(*blocker);
  blocking.exec(R"sql(INSERT INTO photoflow_archived_tasks
    (id, created_at, "dueAt", task, additional_information, status, is_finished,
     amount_of_comments, "taskColumn") VALUES (7, now(), now(), 'x', '', 'x', true, 0, '1'))sql");

  ChildProcess archive(PHOTOFLOW_ADMIN_BINARY,
                       {"archive", "--finished-before", kArchiveCutoff, "--batch-size", "2"},
                       {{"DATABASE_URL", schema.owner_url() + "&application_name=" + application}});
  ASSERT_TRUE(archive.WaitForLine("batch 2:", kTimeout)) << archive.Output();
  archive.Signal(SIGKILL);
  archive.WaitForExit(kTimeout);  // reaped
  // Its session outlives it while waiting on the lock; end it (and wait).
  schema.QueryValue(
      "SELECT count(pg_terminate_backend(pid, 30000)) FROM pg_stat_activity "
      "WHERE application_name = '" +
      application + "'");
  blocking.abort();
  EXPECT_EQ(Ids(schema, "photoflow_archived_tasks"), "1,2,4,5");
  EXPECT_EQ(CounterMismatches(schema), "0");

  const AdminRun rerun = Admin(schema.owner_url(), {"archive", "--finished-before", kArchiveCutoff,
                                                    "--batch-size", "2", "--json"});
  ASSERT_EQ(rerun.code, 0) << rerun.output;
  EXPECT_NE(JsonLine(rerun.output).find("\"tasks\":9"), std::string::npos) << rerun.output;
  EXPECT_EQ(Ids(schema, "photoflow_archived_tasks"), kEligible);
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "17");
  // Every comment is in exactly one place, and every counter matches.
  EXPECT_EQ(schema.QueryValue("SELECT (SELECT count(*) FROM task_comments) + "
                              "(SELECT count(*) FROM photoflow_archived_task_comments)"),
            schema.QueryValue("SELECT sum(i % 4) FROM generate_series(1, 30) AS i"));
  EXPECT_EQ(CounterMismatches(schema), "0");
}

// Archiving while the service takes comments on the very tasks being moved:
// every acknowledged comment ends up exactly once, with its task (on the
// board or in the archive), and every counter matches its comments.
TEST(AdminCliTest, ArchiveWhileCommentsArriveLosesNoAcknowledgedComment) {
  TestSchema schema;
  Seed(schema);
  const int comments_before = std::stoi(schema.QueryValue("SELECT count(*) FROM task_comments"));
  testing::TestServer server(schema);
  const std::vector<int> eligible = {1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19};
  std::atomic<int> acknowledged = 0;
  std::atomic<int> refused = 0;
  std::atomic<bool> archive_done = false;
  constexpr int kWriters = 4;
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&, writer] {
      // Until the archive run has ended, and five calls more (on archived
      // tasks by then).
      int after_the_archive = 0;
      for (int i = 0; after_the_archive < 5; ++i) {
        if (archive_done) ++after_the_archive;
        v1::CreateCommentRequest request;
        request.mutable_comment()->set_task_id(eligible[(writer + i) % eligible.size()]);
        request.mutable_comment()->set_text("during the archive");
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 30s);
        v1::Comment created;
        const grpc::Status status = server.comments().CreateComment(&context, request, &created);
        if (status.ok()) {
          ++acknowledged;
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
          ++refused;
        }
      }
    });
  }
  const AdminRun archive =
      Admin(schema.owner_url(),
            {"archive", "--finished-before", kArchiveCutoff, "--batch-size", "1", "--json"});
  archive_done = true;
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(archive.code, 0) << archive.output;
  // Tasks a call held at that moment were skipped: a second run takes them.
  ASSERT_EQ(Admin(schema.owner_url(), {"archive", "--finished-before", kArchiveCutoff}).code, 0);
  EXPECT_EQ(Ids(schema, "photoflow_archived_tasks"), kEligible);
  EXPECT_GT(refused.load(), 0) << "some comments came after their task was archived";
  EXPECT_EQ(std::stoi(schema.QueryValue("SELECT (SELECT count(*) FROM task_comments) + "
                                        "(SELECT count(*) FROM photoflow_archived_task_comments)")),
            comments_before + acknowledged.load());
  EXPECT_EQ(CounterMismatches(schema), "0");
}

TEST(AdminCliTest, VacuumAnalyzeThenStatsShowsExactRows) {
  TestSchema schema;
  Seed(schema);
  const AdminRun vacuum = Admin(schema.owner_url(), {"vacuum", "--analyze", "--json"});
  ASSERT_EQ(vacuum.code, 0) << vacuum.output;
  EXPECT_NE(JsonLine(vacuum.output).find("\"table\":\"Tasks\""), std::string::npos)
      << vacuum.output;
  EXPECT_EQ(schema.QueryValue("SELECT last_analyze IS NOT NULL AND last_vacuum IS NOT NULL "
                              "FROM pg_stat_user_tables WHERE relname = 'Tasks' "
                              "AND schemaname = current_schema()"),
            "t");
  EXPECT_EQ(Admin(schema.owner_url(), {"vacuum", "--table", "nonesuch"}).code, 2);

  const AdminRun stats = Admin(schema.owner_url(), {"stats", "--json"});
  ASSERT_EQ(stats.code, 0) << stats.output;
  const std::string json = JsonLine(stats.output);
  EXPECT_NE(json.find(R"({"name":"Tasks","total_bytes":)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("live_rows":30,)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("archived":{"tasks":0,"comments":0})"), std::string::npos) << json;
  const AdminRun text = Admin(schema.owner_url(), {"stats"});
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.output.find("task_comments"), std::string::npos) << text.output;
}

}  // namespace
}  // namespace photoflow
