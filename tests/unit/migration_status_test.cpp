#include "migrate/status.hpp"

#include <gtest/gtest.h>

namespace photoflow::migrate {
namespace {

MigrationFile File(const std::string& name, const std::string& sql) {
  return {name, sql, Sha256Hex(sql)};
}

HistoryRow Finished(const std::string& name, const std::string& checksum) {
  return {name,         checksum,     "2026-03-01 00:00:00+00",
          std::nullopt, std::nullopt, "2026-03-01 00:00:00+00"};
}

HistoryRow Failed(const std::string& name, const std::string& checksum) {
  return {name, checksum, std::nullopt, std::nullopt, "syntax error", "2026-03-02 00:00:00+00"};
}

HistoryRow RolledBack(HistoryRow row) {
  row.rolled_back_at = "2026-03-03 00:00:00+00";
  return row;
}

std::vector<std::string> States(const StatusReport& report) {
  std::vector<std::string> states;
  for (const MigrationStatus& migration : report.migrations) {
    states.push_back(migration.name + "=" + std::string(StateName(migration.state)));
  }
  return states;
}

TEST(MigrationStatusTest, ClassifiesEveryState) {
  const std::vector<MigrationFile> files = {
      File("20260301000000_init", "A"), File("20260302000000_second", "B"),
      File("20260303000000_third", "C"), File("20260304000000_fourth", "D")};
  const std::vector<HistoryRow> history = {
      Finished("20260301000000_init", Sha256Hex("A")),
      Finished("20260302000000_second", Sha256Hex("B, before someone edited it")),
      Failed("20260303000000_third", Sha256Hex("C")),
      Finished("20260228000000_gone", Sha256Hex("X"))};
  const StatusReport report = AssessStatus(files, history);
  EXPECT_EQ(States(report), (std::vector<std::string>{
                                "20260228000000_gone=missing_locally",
                                "20260301000000_init=applied",
                                "20260302000000_second=modified",
                                "20260303000000_third=failed",
                                "20260304000000_fourth=pending",
                            }));
  EXPECT_FALSE(report.UpToDate());
  EXPECT_EQ(report.With(MigrationState::kFailed).at(0)->logs, "syntax error");
}

TEST(MigrationStatusTest, RolledBackRowsDoNotCount) {
  const std::vector<MigrationFile> files = {File("20260301000000_init", "A")};
  // Failed, rolled back: pending again.
  EXPECT_EQ(States(AssessStatus(files, {RolledBack(Failed("20260301000000_init", "x"))})),
            (std::vector<std::string>{"20260301000000_init=pending"}));
  // ... then applied on the next deploy: applied.
  const StatusReport report =
      AssessStatus(files, {RolledBack(Failed("20260301000000_init", "x")),
                           Finished("20260301000000_init", Sha256Hex("A"))});
  EXPECT_EQ(States(report), (std::vector<std::string>{"20260301000000_init=applied"}));
  EXPECT_TRUE(report.UpToDate());
}

TEST(MigrationStatusTest, AnUnresolvedFailureBlocksEvenNextToAFinishedAttempt) {
  const std::vector<MigrationFile> files = {File("20260301000000_init", "A")};
  EXPECT_EQ(States(AssessStatus(files, {Finished("20260301000000_init", Sha256Hex("A")),
                                        Failed("20260301000000_init", Sha256Hex("A"))})),
            (std::vector<std::string>{"20260301000000_init=failed"}));
}

TEST(MigrationStatusTest, LineEndingsAndOldUnpaddedChecksumsDoNotMakeAMigrationModified) {
  const std::string lf = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";
  const std::string crlf = "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n";
  // A Windows checkout (CRLF) against a checksum recorded from LF, and back.
  EXPECT_EQ(States(AssessStatus({File("20260301000000_init", crlf)},
                                {Finished("20260301000000_init", Sha256Hex(lf))})),
            (std::vector<std::string>{"20260301000000_init=applied"}));
  EXPECT_EQ(States(AssessStatus({File("20260301000000_init", lf)},
                                {Finished("20260301000000_init", Sha256Hex(crlf))})),
            (std::vector<std::string>{"20260301000000_init=applied"}));
  // A real edit is still an edit.
  EXPECT_EQ(States(AssessStatus({File("20260301000000_init", lf + "-- edited\n")},
                                {Finished("20260301000000_init", Sha256Hex(lf))})),
            (std::vector<std::string>{"20260301000000_init=modified"}));
}

TEST(MigrationStatusTest, EmptyDatabaseHasEverythingPending) {
  const StatusReport report = AssessStatus({File("20260301000000_init", "A")}, {});
  EXPECT_EQ(States(report), (std::vector<std::string>{"20260301000000_init=pending"}));
  EXPECT_FALSE(report.UpToDate());
}

TEST(MigrationStatusTest, JsonAndTextNameStatesAndNextSteps) {
  const StatusReport report =
      AssessStatus({File("20260301000000_init", "A"), File("20260302000000_second", "B")},
                   {Finished("20260301000000_init", Sha256Hex("A")),
                    Failed("20260302000000_second", Sha256Hex("B"))});
  const std::string json = StatusJson(report);
  EXPECT_EQ(json.rfind(R"({"up_to_date":false,"migrations":[{"name":"20260301000000_init",)", 0),
            0U)
      << json;
  EXPECT_NE(json.find(R"("state":"failed")"), std::string::npos);
  EXPECT_NE(json.find(R"("logs":"syntax error")"), std::string::npos);
  const std::string text = StatusText(report);
  EXPECT_NE(text.find("1 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("resolve --rolled-back"), std::string::npos) << text;
  EXPECT_NE(StatusText(AssessStatus({}, {})).find("up to date"), std::string::npos);
}

}  // namespace
}  // namespace photoflow::migrate
