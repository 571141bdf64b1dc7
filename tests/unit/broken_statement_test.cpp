// What an autocommit write that broke its connection did (db/broken_statement.hpp).
#include "db/broken_statement.hpp"

#include <string>

#include <gtest/gtest.h>

namespace photoflow::db {
namespace {

constexpr const char* kTerminated =
    "FATAL:  57P01: terminating connection due to administrator command\n"
    "LOCATION:  ProcessInterrupts, postgres.c:3211\n"
    "server closed the connection unexpectedly\n"
    "\tThis probably means the server terminated abnormally\n"
    "\tbefore or while processing the request.\n";

constexpr const char* kClosedSilently =
    "server closed the connection unexpectedly\n"
    "\tThis probably means the server terminated abnormally\n"
    "\tbefore or while processing the request.\n";

TEST(BrokenStatementTest, AFatalTerminationMeansTheStatementWasRolledBack) {
  EXPECT_EQ(ClassifyBrokenStatement(kTerminated, false), BrokenStatement::kNotApplied);
}

// An immediate shutdown or another backend's crash reaches the client as a
// WARNING sent from a signal handler, possibly after the commit.
TEST(BrokenStatementTest, AnImmediateShutdownOrACrashLeavesTheOutcomeUnknown) {
  EXPECT_EQ(ClassifyBrokenStatement("WARNING:  57P02: terminating connection because of crash of "
                                    "another server process\n" +
                                        std::string(kClosedSilently),
                                    false),
            BrokenStatement::kOutcomeUnknown);
  EXPECT_EQ(ClassifyBrokenStatement("WARNING:  57P01: terminating connection due to immediate "
                                    "shutdown command\n" +
                                        std::string(kClosedSilently),
                                    false),
            BrokenStatement::kOutcomeUnknown);
  // A translated severity cannot be told from a WARNING: the safe answer.
  EXPECT_EQ(ClassifyBrokenStatement("SCHWERWIEGEND:  57P01: Verbindung wird abgebrochen\n", false),
            BrokenStatement::kOutcomeUnknown);
}

TEST(BrokenStatementTest, AFatalSeenBetweenStatementsMeansNothingWasSent) {
  EXPECT_EQ(ClassifyBrokenStatement(kClosedSilently, true), BrokenStatement::kNotApplied);
  EXPECT_EQ(ClassifyBrokenStatement("no connection to the server\n", false),
            BrokenStatement::kNotApplied);
  EXPECT_EQ(ClassifyBrokenStatement("could not send data to server: Broken pipe\n", false),
            BrokenStatement::kNotApplied);
}

TEST(BrokenStatementTest, ASilentlyLostConnectionLeavesTheOutcomeUnknown) {
  EXPECT_EQ(ClassifyBrokenStatement(kClosedSilently, false), BrokenStatement::kOutcomeUnknown);
  EXPECT_EQ(ClassifyBrokenStatement("", false), BrokenStatement::kOutcomeUnknown);
  // Other server errors do not end the session.
  EXPECT_EQ(
      ClassifyBrokenStatement("ERROR:  57014: canceling statement due to user request\n", false),
      BrokenStatement::kOutcomeUnknown);
}

TEST(BrokenStatementTest, EndsSessionKnowsOnlyTheSessionEndingStates) {
  EXPECT_TRUE(EndsSession(kTerminated));
  EXPECT_FALSE(EndsSession("WARNING:  57P02: terminating connection because of crash\n"));
  EXPECT_FALSE(EndsSession("ERROR:  23505: duplicate key value violates unique constraint\n"));
  EXPECT_FALSE(EndsSession("WARNING:  01000: 57P01 in a message text only\n"));
}

}  // namespace
}  // namespace photoflow::db
