// The CLI's pure parts: argument parsing, tables, the board layout, dates,
// and how a failed call is described and exits.
#include <gtest/gtest.h>

#include <sstream>

#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>

#include "args.hpp"
#include "board_view.hpp"
#include "output.hpp"
#include "status_report.hpp"
#include "table.hpp"
#include "timestamps.hpp"

namespace photoflow::cli {
namespace {

TEST(CliArgsTest, FlagsTakeValuesBothWaysAndSwitchesTakeNone) {
  const std::vector<FlagSpec> flags = {{"--title", "TEXT", ""}, {"--all", "", ""}};
  const ParsedArgs parsed = ParseArgs({"42", "--title", "A b", "--all", "--", "--title=x"}, flags);
  EXPECT_EQ(parsed.positional, (std::vector<std::string>{"42", "--title=x"}));
  EXPECT_EQ(parsed.Get("--title"), "A b");
  EXPECT_TRUE(parsed.Has("--all"));
  EXPECT_EQ(ParseArgs({"--title=x=y"}, flags).Get("--title"), "x=y");
  EXPECT_THROW(ParseArgs({"--title"}, flags), UsageError);
  EXPECT_THROW(ParseArgs({"--all=yes"}, flags), UsageError);
  EXPECT_THROW(ParseArgs({"--colour", "red"}, flags), UsageError);
}

TEST(CliArgsTest, IdsArePositiveInt32AndErrorsQuoteInputBounded) {
  EXPECT_EQ(ParseId("ID", "17"), 17);
  for (const char* bad : {"0", "-3", "1.5", "abc", "2147483648", ""}) {
    EXPECT_THROW(ParseId("ID", bad), UsageError) << bad;
  }
  try {
    ParseId("ID", std::string(5000, 'x'));
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_LT(std::string(error.what()).size(), 120U) << error.what();
  }
  EXPECT_TRUE(ParseBool("--finished", "true"));
  EXPECT_FALSE(ParseBool("--finished", "no"));
  EXPECT_THROW(ParseBool("--finished", "maybe"), UsageError);
}

TEST(CliTableTest, TruncatesOnCharacterBoundariesWithAnEllipsis) {
  EXPECT_EQ(Truncate("Hochzeit in München", 19), "Hochzeit in München");
  EXPECT_EQ(Truncate("Hochzeit in München", 15), "Hochzeit in Mü…");
  EXPECT_EQ(DisplayWidth(Truncate("ééééé", 3)), 3U);
  EXPECT_EQ(OneLine("two\nlines\x1b[31m"), "two lines [31m");
}

TEST(CliTableTest, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("写真"), 4U);
  EXPECT_EQ(DisplayWidth("e\u0301"), 1U);  // e and a combining accent
  EXPECT_EQ(Truncate("写真撮影の予約", 6), "写真…");
  EXPECT_EQ(DisplayWidth(Truncate("写真撮影の予約", 6)),
            5U);  // a wide character does not fit the 6th
}

TEST(CliTableTest, EveryFlexibleColumnShrinksWidestFirst) {
  const std::string table = RenderTable(
      {"ID", "TITLE", "NOTES"}, {{"1", "A long title here", std::string(200, 'n')}}, 40, {1, 2});
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(DisplayWidth(line), 40U) << line;
  EXPECT_NE(table.find("A long title here"), std::string::npos)
      << "the widest shrinks first: " << table;
  // A column narrower than the floor is never widened.
  EXPECT_EQ(RenderTable({"A", "B"}, {{"x", "y"}}, 3, {0, 1}), "A  B\nx  y\n");
}

TEST(CliTableTest, TheFlexibleColumnShrinksToFitAndNothingTrails) {
  const std::string table = RenderTable(
      {"ID", "TITLE", "DUE"},
      {{"1", "A very long title indeed", "2026-12-24"}, {"22", "Short", "2026-12-25"}}, 30, {1});
  EXPECT_EQ(table,
            "ID  TITLE           DUE\n"
            "1   A very long t…  2026-12-24\n"
            "22  Short           2026-12-25\n");
  // Without a limit nothing is cut.
  EXPECT_NE(RenderTable({"T"}, {{"A very long title indeed"}}, 0, {0}).find("indeed"),
            std::string::npos);
}

TEST(CliJsonTest, FieldsPickMembersWithDefaultsInFieldOrder) {
  v1::Task task;
  task.set_id(7);
  task.set_title(R"(A "quoted", {braced} title\)");
  task.add_comments()->set_text("x, y");
  EXPECT_EQ(ToJson(task, {"is_finished", "title", "comments", "id"}),
            R"({"id":7,"title":"A \"quoted\", {braced} title\\","isFinished":false,)"
            R"("comments":[{"id":0,"taskId":0,"text":"x, y"}]})");
  EXPECT_EQ(ToJson(task, {"etag"}), R"({"etag":""})");
  EXPECT_EQ(ToJson(task, {}).rfind(R"({"id":7,)", 0), 0U);
}

TEST(CliBoardTest, ColumnsAreNumberedNaturallyThenNamed) {
  std::vector<std::string> names = {"Done", "10", "2", "1", "Backlog", "02"};
  std::sort(names.begin(), names.end(), ColumnOrder());
  EXPECT_EQ(names, (std::vector<std::string>{"1", "02", "2", "10", "Backlog", "Done"}));
}

v1::Task MakeTask(int id, const std::string& column, const std::string& title, int comments) {
  v1::Task task;
  task.set_id(id);
  task.set_task_column(column);
  task.set_title(title);
  task.set_amount_of_comments(comments);
  task.mutable_due_at()->set_seconds(1798070400);  // 2026-12-24T00:00:00Z
  return task;
}

TEST(CliBoardTest, SideBySideWhenWide) {
  const BoardColumns columns =
      GroupByColumn({MakeTask(1, "1", "Wedding", 2), MakeTask(2, "2", "Portraits", 0),
                     MakeTask(3, "1", "Baby", 1)});
  EXPECT_EQ(RenderBoard(columns, 60),
            "1 (2)                          2 (1)\n"
            "-----------------------------  -----------------------------\n"
            "#1  2026-12-24  2 comments     #2  2026-12-24\n"
            "  Wedding                        Portraits\n"
            "#3  2026-12-24  1 comment\n"
            "  Baby\n");
}

TEST(CliBoardTest, NarrowTerminalsGetColumnsStacked) {
  const BoardColumns columns =
      GroupByColumn({MakeTask(1, "1", "Wedding", 0), MakeTask(2, "2", "Portraits", 0)});
  EXPECT_EQ(RenderBoard(columns, 30),
            "1 (1)\n"
            "------------------------------\n"
            "#1  2026-12-24\n"
            "  Wedding\n"
            "\n"
            "2 (1)\n"
            "------------------------------\n"
            "#2  2026-12-24\n"
            "  Portraits\n");
  EXPECT_EQ(RenderBoard({}, 80), "(no unfinished tasks)\n");
}

TEST(CliBoardTest, LongColumnsEndInHowManyMore) {
  const BoardColumns columns =
      GroupByColumn({MakeTask(1, "1", "A", 0), MakeTask(2, "1", "B", 0), MakeTask(3, "1", "C", 0)});
  EXPECT_EQ(RenderBoard(columns, 30, 2),
            "1 (3)\n"
            "------------------------------\n"
            "#1  2026-12-24\n"
            "  A\n"
            "#2  2026-12-24\n"
            "  B\n"
            "… 1 more\n");
}

TEST(CliTimestampTest, DaysAndRfc3339InShortestFormOut) {
  EXPECT_EQ(ParseTimestamp("--due", "2026-12-24").seconds(), 1798070400);
  EXPECT_EQ(ParseTimestamp("--due", "2026-12-24T01:00:00+01:00").seconds(), 1798070400);
  EXPECT_THROW(ParseTimestamp("--due", "24.12.2026"), UsageError);
  EXPECT_THROW(ParseTimestamp("--due", "2026-13-01"), UsageError);
  google::protobuf::Timestamp time;
  time.set_seconds(1798070400);
  EXPECT_EQ(FormatTimestamp(time), "2026-12-24");
  time.set_seconds(1798070400 + 15 * 3600 + 30 * 60);
  EXPECT_EQ(FormatTimestamp(time), "2026-12-24 15:30Z");
  time.set_nanos(250000000);
  EXPECT_EQ(FormatTimestamp(time), "2026-12-24 15:30:00.250Z");
  EXPECT_EQ(FormatTimestamp({}), "-");
}

TEST(CliStatusTest, DetailsAreSpelledOutAndTheExitCodeCarriesTheStatus) {
  google::rpc::Status details;
  details.set_code(3);
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_FIELD");
  info.set_domain("photoflow.v1");
  details.add_details()->PackFrom(info);
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("task.title");
  violation->set_description("must not be empty");
  details.add_details()->PackFrom(bad_request);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "task.title: must not be empty",
                            details.SerializeAsString());
  EXPECT_EQ(DescribeStatus(status),
            "INVALID_ARGUMENT: task.title: must not be empty\n"
            "  reason: INVALID_FIELD (photoflow.v1)\n"
            "  field task.title: must not be empty\n");
  google::rpc::Status retry_details;
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_nanos(250000000);
  retry_details.add_details()->PackFrom(retry);
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy",
                                        retry_details.SerializeAsString())),
            "RESOURCE_EXHAUSTED: busy\n  retry after: 250 ms\n");
  EXPECT_EQ(ExitCodeFor(status), 13);
  EXPECT_EQ(ExitCodeFor(grpc::Status::OK), 0);
  EXPECT_EQ(ExitCodeFor(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "")), 26);
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no\x1b task")),
            "NOT_FOUND: no  task\n");
}

}  // namespace
}  // namespace photoflow::cli
