// The photoflow CLI against a live server: a scripted session through
// RunCli (stdout and stderr apart, exit codes) and the real binary.
#include <gtest/gtest.h>

#include <sstream>

#include "cli.hpp"
#include "support/child_process.hpp"
#include "support/test_server.hpp"
#include "table.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  std::string Address() { return "127.0.0.1:" + std::to_string(server_.server().port()); }

  CliRun Cli(std::vector<std::string> args, std::size_t width = 0) {
    args.insert(args.begin(), {"--addr", Address()});
    std::ostringstream out;
    std::ostringstream err;
    const int code = cli::RunCli(args, out, err, {.width = width});
    return {code, out.str(), err.str()};
  }

  // The "id" of the first JSON object in `json`.
  static int IdIn(const std::string& json) {
    const std::size_t at = json.find("\"id\":");
    EXPECT_NE(at, std::string::npos) << json;
    return at == std::string::npos ? 0 : std::stoi(json.substr(at + 5));
  }

  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
  }

  std::string Value(const std::string& sql) { return schema_.QueryValue(sql); }

  // Creates a task through the CLI; its id ("0" when the create failed).
  std::string CreatePortraits() {
    const CliRun created = Cli({"tasks", "create", "--title", "Portraits", "--due", "2026-12-01",
                                "--status", "New", "--json"});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return std::to_string(created.exit_code == 0 ? IdIn(created.out) : 0);
  }

  testing::TestSchema schema_;
  testing::TestServer server_{schema_};
};

TEST_F(CliTest, ScriptedSessionCreatesListsMovesFinishesCommentsAndDeletes) {
  const CliRun created =
      Cli({"tasks", "create", "--title", "Wedding Photography - Smith Family", "--due",
           "2026-12-24", "--status", "Scheduled", "--notes", "Two cameras", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(Lines(created.out).size(), 1U) << created.out;
  EXPECT_NE(created.out.find(R"("title":"Wedding Photography - Smith Family")"), std::string::npos)
      << created.out;
  EXPECT_NE(created.out.find(R"("dueAt":"2026-12-24T00:00:00Z")"), std::string::npos)
      << created.out;
  const int id = IdIn(created.out);
  const std::string task = std::to_string(id);
  EXPECT_EQ(
      Value("SELECT task || '|' || status || '|' || \"taskColumn\" FROM \"Tasks\" WHERE id = " +
            task),
      "Wedding Photography - Smith Family|Scheduled|1");

  const CliRun table = Cli({"tasks", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const auto rows = Lines(table.out);
  ASSERT_EQ(rows.size(), 2U) << table.out;
  EXPECT_EQ(rows[0].rfind("ID", 0), 0U) << rows[0];
  EXPECT_NE(rows[0].find("TITLE"), std::string::npos) << rows[0];
  EXPECT_EQ(rows[1].rfind(task + " ", 0), 0U) << rows[1];
  EXPECT_NE(rows[1].find("2026-12-24"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("Wedding Photography - Smith Family"), std::string::npos) << rows[1];

  const CliRun json = Cli({"tasks", "list", "--json", "--fields", "id,title"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "{\"id\":" + task + ",\"title\":\"Wedding Photography - Smith Family\"}\n");

  const CliRun moved = Cli({"tasks", "move", task, "2"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.out.find("task_column"), std::string::npos) << moved.out;
  EXPECT_EQ(Value("SELECT \"taskColumn\" FROM \"Tasks\" WHERE id = " + task), "2");

  const CliRun commented = Cli({"comments", "add", task, "Client loves the proofs", "--json"});
  ASSERT_EQ(commented.exit_code, 0) << commented.err;
  const std::string comment = std::to_string(IdIn(commented.out));
  EXPECT_EQ(Value("SELECT amount_of_comments FROM \"Tasks\" WHERE id = " + task), "1");

  const CliRun listed = Cli({"comments", "list", task, "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  ASSERT_EQ(Lines(listed.out).size(), 1U) << listed.out;
  EXPECT_NE(listed.out.find(R"("text":"Client loves the proofs")"), std::string::npos);

  const CliRun edited = Cli({"comments", "edit", comment, "Client loves every proof"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(Value("SELECT comment FROM task_comments WHERE id = " + comment),
            "Client loves every proof");

  const CliRun with_comments = Cli({"tasks", "get", task, "--comments"});
  ASSERT_EQ(with_comments.exit_code, 0) << with_comments.err;
  EXPECT_NE(with_comments.out.find("Client loves every proof"), std::string::npos)
      << with_comments.out;
  EXPECT_NE(with_comments.out.find("amount_of_comments"), std::string::npos);

  const CliRun finished = Cli({"tasks", "finish", task, "--json"});
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.out.find(R"("isFinished":true)"), std::string::npos) << finished.out;
  EXPECT_EQ(Value("SELECT is_finished FROM \"Tasks\" WHERE id = " + task), "t");

  const CliRun deleted_comment = Cli({"comments", "delete", comment});
  ASSERT_EQ(deleted_comment.exit_code, 0) << deleted_comment.err;
  EXPECT_EQ(deleted_comment.out, "deleted comment " + comment + "\n");
  EXPECT_EQ(Value("SELECT amount_of_comments FROM \"Tasks\" WHERE id = " + task), "0");

  const CliRun deleted = Cli({"tasks", "delete", task});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "deleted task " + task + "\n");
  EXPECT_EQ(Value("SELECT count(*) FROM \"Tasks\""), "0");

  const CliRun gone = Cli({"tasks", "get", task});
  EXPECT_EQ(gone.exit_code, 15) << gone.err;  // 10 + NOT_FOUND
  EXPECT_EQ(gone.out, "");
  EXPECT_EQ(gone.err.rfind("photoflow: NOT_FOUND: ", 0), 0U) << gone.err;
}

TEST_F(CliTest, InvalidArgumentNamesTheFieldAndChangesNothing) {
  const CliRun run =
      Cli({"tasks", "create", "--title", "", "--due", "2026-12-24", "--status", "New"});
  EXPECT_EQ(run.exit_code, 13) << run.err;  // 10 + INVALID_ARGUMENT
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("photoflow: INVALID_ARGUMENT: ", 0), 0U) << run.err;
  EXPECT_NE(run.err.find("\n  field task.title: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("\n  reason: "), std::string::npos) << run.err;
  EXPECT_EQ(Value("SELECT count(*) FROM \"Tasks\""), "0");
}

TEST_F(CliTest, StaleEtagIsAbortedAndTheTaskKeepsItsTitle) {
  const std::string task = CreatePortraits();
  ASSERT_NE(task, "0");
  const CliRun stale =
      Cli({"tasks", "update", task, "--title", "Renamed", "--etag", "W/\"1-stale\""});
  EXPECT_EQ(stale.exit_code, 20) << stale.err;  // 10 + ABORTED
  EXPECT_NE(stale.err.find("ABORTED"), std::string::npos) << stale.err;
  EXPECT_EQ(Value("SELECT task FROM \"Tasks\" WHERE id = " + task), "Portraits");
}

TEST_F(CliTest, UsageErrorsExitTwoWithoutCallingTheServer) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"tasks", "get", "abc"},
                                               {"tasks", "get"},
                                               {"tasks", "update", "1"},
                                               {"tasks", "create", "--due", "tomorrow"},
                                               {"tasks", "list", "--colour", "red"},
                                               {"tasks", "frobnicate"},
                                               {"tasks"}}) {
    const CliRun run = Cli(args);
    EXPECT_EQ(run.exit_code, 2) << args.back() << ": " << run.err;
    EXPECT_EQ(run.out, "") << args.back();
    EXPECT_FALSE(run.err.empty()) << args.back();
  }
}

TEST_F(CliTest, EveryCommandHasHelp) {
  const CliRun top = Cli({"--help"});
  ASSERT_EQ(top.exit_code, 0);
  for (const char* command :
       {"tasks list", "tasks get", "tasks create", "tasks update", "tasks move", "tasks finish",
        "tasks delete", "comments add", "comments get", "comments list", "comments edit",
        "comments delete", "board", "health"}) {
    EXPECT_NE(top.out.find(std::string("photoflow ") + command), std::string::npos) << command;
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string word; words >> word;) args.push_back(word);
    args.emplace_back("--help");
    const CliRun help = Cli(args);
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_EQ(help.out.rfind(std::string("Usage: photoflow ") + command, 0), 0U) << help.out;
    EXPECT_NE(help.out.find("--addr"), std::string::npos) << command;
  }
}

TEST_F(CliTest, ListAllFollowsPageTokensAndTablesFitTheWidth) {
  ASSERT_EQ(Value("WITH inserted AS (INSERT INTO \"Tasks\" (\"dueAt\", task, "
                  "additional_information, status) "
                  "SELECT timestamp '2026-12-01' + n * interval '1 day', "
                  "'A rather long title for an order, number ' || n, '', 'New' "
                  "FROM generate_series(1, 7) AS n RETURNING 1) SELECT count(*) FROM inserted"),
            "7");
  const CliRun one_page = Cli({"tasks", "list", "--page-size", "3", "--json"});
  ASSERT_EQ(one_page.exit_code, 0) << one_page.err;
  EXPECT_EQ(Lines(one_page.out).size(), 3U);
  EXPECT_NE(one_page.err.find("more: --page-token "), std::string::npos) << one_page.err;

  const CliRun all =
      Cli({"tasks", "list", "--page-size", "3", "--all", "--order-by", "due_at desc"},
          /*width=*/60);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto rows = Lines(all.out);
  ASSERT_EQ(rows.size(), 8U) << all.out;  // header + 7
  for (const std::string& row : rows) EXPECT_LE(cli::DisplayWidth(row), 60U) << row;
  EXPECT_NE(rows[1].find("2026-12-08"), std::string::npos) << rows[1];
  EXPECT_NE(rows[7].find("2026-12-02"), std::string::npos) << rows[7];
  EXPECT_NE(rows[1].find("…"), std::string::npos) << "a title cut to fit: " << rows[1];
}

TEST_F(CliTest, BoardShowsUnfinishedTasksByColumnSoonestFirst) {
  ASSERT_EQ(
      Value(
          R"sql(WITH inserted AS (INSERT INTO "Tasks" ("dueAt", task, additional_information, status, "taskColumn", is_finished, amount_of_comments) VALUES
      ('2026-12-20', 'Later in one', '', 'New', '1', false, 0),
      ('2026-12-10', 'Sooner in one', '', 'New', '1', false, 3),
      ('2026-12-15', 'Only in two', '', 'Editing', '2', false, 0),
      ('2026-12-01', 'Done already', '', 'Delivered', '2', true, 0),
      ('2026-12-05', 'In ten', '', 'New', '10', false, 1)
      RETURNING 1) SELECT count(*) FROM inserted)sql"),
      "5");
  const CliRun board = Cli({"board"}, /*width=*/90);
  ASSERT_EQ(board.exit_code, 0) << board.err;
  const auto lines = Lines(board.out);
  ASSERT_GE(lines.size(), 6U) << board.out;
  // Columns in numeric order: 1, 2, 10.
  const std::size_t one = lines[0].find("1 (2)");
  const std::size_t two = lines[0].find("2 (1)");
  const std::size_t ten = lines[0].find("10 (1)");
  ASSERT_NE(one, std::string::npos) << board.out;
  ASSERT_NE(two, std::string::npos) << board.out;
  ASSERT_NE(ten, std::string::npos) << board.out;
  EXPECT_LT(one, two);
  EXPECT_LT(two, ten);
  EXPECT_LT(board.out.find("Sooner in one"), board.out.find("Later in one"));
  EXPECT_NE(board.out.find("3 comments"), std::string::npos) << board.out;
  EXPECT_EQ(board.out.find("Done already"), std::string::npos) << board.out;
  for (const std::string& line : lines) EXPECT_LE(cli::DisplayWidth(line), 90U) << line;

  const CliRun json = Cli({"board", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto columns = Lines(json.out);
  ASSERT_EQ(columns.size(), 3U) << json.out;
  EXPECT_EQ(columns[0].rfind(R"({"column":"1","tasks":[{)", 0), 0U) << columns[0];
  EXPECT_LT(columns[0].find("Sooner in one"), columns[0].find("Later in one"));
  EXPECT_EQ(columns[2].rfind(R"({"column":"10",)", 0), 0U) << columns[2];
}

TEST_F(CliTest, FieldsShowFalseAndZeroAndOnlyWhatWasAsked) {
  const std::string task = CreatePortraits();
  ASSERT_NE(task, "0");
  const CliRun json =
      Cli({"tasks", "get", task, "--json", "--fields", "is_finished,amount_of_comments"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, R"({"isFinished":false,"amountOfComments":0})"
                      "\n");
  const CliRun table = Cli({"tasks", "get", task, "--fields", "is_finished"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, "is_finished  no\n");
  const CliRun board = Cli({"board", "--json"});
  ASSERT_EQ(board.exit_code, 0) << board.err;
  EXPECT_EQ(board.out.find("etag"), std::string::npos)
      << "a field the board never read: " << board.out;
  EXPECT_NE(board.out.find(R"("amountOfComments":0)"), std::string::npos) << board.out;
}

TEST_F(CliTest, HealthOfOneServiceAndOfAnUnknownOne) {
  const CliRun serving = Cli({"health", "photoflow.v1.TaskService"});
  EXPECT_EQ(serving.exit_code, 0) << serving.err;
  EXPECT_EQ(serving.out, "SERVING\n");
  const CliRun unknown = Cli({"health", "photoflow.v1.NoSuchService"});
  EXPECT_EQ(unknown.exit_code, 15) << unknown.err;  // the health service's NOT_FOUND
  EXPECT_NE(unknown.err.find("NOT_FOUND"), std::string::npos) << unknown.err;
}

// The installed binary: PHOTOFLOW_ADDR, exit codes from main().
TEST_F(CliTest, BinaryTakesTheAddressFromTheEnvironmentAndExitsWithTheStatus) {
  {
    testing::ChildProcess health(PHOTOFLOW_CLI_BINARY, {"health"}, {{"PHOTOFLOW_ADDR", Address()}});
    EXPECT_EQ(health.WaitForExit(60s), 0) << health.Output();
    EXPECT_EQ(health.Output(), "SERVING\n");
  }
  {
    testing::ChildProcess missing(PHOTOFLOW_CLI_BINARY, {"comments", "get", "424242"},
                                  {{"PHOTOFLOW_ADDR", Address()}});
    EXPECT_EQ(missing.WaitForExit(60s), 15) << missing.Output();
    EXPECT_NE(missing.Output().find("NOT_FOUND"), std::string::npos) << missing.Output();
  }
  {
    testing::ChildProcess unreachable(PHOTOFLOW_CLI_BINARY,
                                      {"--addr", "127.0.0.1:1", "--deadline", "2", "health"});
    EXPECT_EQ(unreachable.WaitForExit(60s), 24) << unreachable.Output();  // UNAVAILABLE
  }
}

// photoflow tasks watch: the view, CURRENT, then live changes, one line
// each and at once (a pipe sees them as they come); --count ends it, and the
// last resume token goes to stderr.
TEST_F(CliTest, WatchFollowsChangesLiveAndEndsAfterCount) {
  const std::string id = CreatePortraits();
  testing::ChildProcess watch(PHOTOFLOW_CLI_BINARY,
                              {"tasks", "watch", "--filter", "status = \"New\"", "--count", "2"},
                              {{"PHOTOFLOW_ADDR", Address()}});
  ASSERT_TRUE(watch.WaitForLine("CURRENT", 60s).has_value()) << watch.Output();
  EXPECT_NE(watch.Output().find("EXISTING  " + id + "  Portraits  [New]"), std::string::npos)
      << watch.Output();
  EXPECT_EQ(Cli({"tasks", "update", id, "--status", "Editing"}).exit_code, 0);
  EXPECT_EQ(
      Cli({"tasks", "create", "--title", "Headshots", "--due", "2026-12-02", "--status", "New"})
          .exit_code,
      0);
  EXPECT_EQ(watch.WaitForExit(60s), 0) << watch.Output();
  const std::string output = watch.Output();
  EXPECT_NE(output.find("REMOVED   " + id), std::string::npos) << output;
  EXPECT_NE(output.find("CREATED   "), std::string::npos) << output;
  EXPECT_NE(output.find("Headshots"), std::string::npos) << output;
  EXPECT_NE(output.find("resume: --resume-token "), std::string::npos) << output;

  const CliRun bad = Cli({"tasks", "watch", "--filter", "colour = 1"});
  EXPECT_EQ(bad.exit_code, 13) << bad.err;  // INVALID_ARGUMENT
  EXPECT_NE(bad.err.find("filter"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace photoflow
