// The Python and Node clients' examples against a live server, as a user runs
// them: each creates a task, comments on it, walks the board, and handles a
// stale etag and invalid input. Their whole output is checked, and the rows
// they leave behind.
#include <gtest/gtest.h>

#include "auth/tokens.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;

// What both examples print on a fresh schema (ids start at 1), but for how
// each language prints a list of field names.
std::string Transcript(const std::string& fields) {
  return "created task 1: Wedding Photography - Smith Family (due 2026-12-24)\n"
         "commented 1 on task 1; it has 1 comment(s): Client asked for two extra prints\n"
         "column 1: #3 Baby shoot - Brown, #1 Wedding Photography - Smith Family\n"
         "column 2: #2 Portraits - Jones\n"
         "stale etag refused: ABORTED (STALE_ETAG); status is still Editing\n"
         "invalid input refused: INVALID_ARGUMENT, fields " +
         fields + "\n";
}

void ExpectRowsTheExampleLeft(const testing::TestSchema& schema) {
  EXPECT_EQ(schema.QueryValue("SELECT count(*) FROM \"Tasks\""), "3");
  EXPECT_EQ(schema.QueryValue("SELECT status || '|' || amount_of_comments || '|' || \"dueAt\" "
                              "FROM \"Tasks\" WHERE id = 1"),
            "Editing|1|2026-12-24 00:00:00");
  EXPECT_EQ(schema.QueryValue("SELECT comment FROM task_comments WHERE task_id = 1"),
            "Client asked for two extra prints");
}

// Runs `interpreter script ADDRESS` against a fresh schema's server.
void ExpectExampleTranscript(const std::string& interpreter, const std::string& script,
                             const std::string& fields) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  testing::ChildProcess example(interpreter,
                                {script, "127.0.0.1:" + std::to_string(server.server().port())});
  ASSERT_EQ(example.WaitForExit(120s), 0) << example.Output();
  EXPECT_EQ(example.Output(), Transcript(fields));
  ExpectRowsTheExampleLeft(schema);
}

// The same against a server that wants mutual TLS and a bearer token, which
// the example gets from its flags --ca, --cert, --key and PHOTOFLOW_TOKEN.
void ExpectSecuredExampleTranscript(const std::string& interpreter, const std::string& script,
                                    const std::string& fields) {
  testing::TestSchema schema;
  const testing::TestCertificateAuthority ca;
  const testing::Issued server_certificate = ca.Issue("localhost");
  const testing::Issued client_certificate = ca.Issue("example", /*server=*/false);
  const testing::TempDir dir;
  const std::string token = auth::NewToken();
  dir.Write("tokens", auth::TokenLine(token, "example", auth::kTasksWrite) + "\n");
  config::Config config = testing::TestConfig(schema.url());
  config.tls = {server_certificate.cert_file, server_certificate.key_file, ca.ca_file()};
  config.auth_tokens_file = (dir.path() / "tokens").string();
  testing::TestServer server(config);
  const std::string address = "localhost:" + std::to_string(server.server().port());
  {
    testing::ChildProcess without_token(
        interpreter,
        {script, address, "--ca", ca.ca_file(), "--cert", client_certificate.cert_file, "--key",
         client_certificate.key_file},
        {{"PHOTOFLOW_TOKEN", ""}});
    EXPECT_NE(without_token.WaitForExit(120s), 0) << without_token.Output();
    EXPECT_NE(without_token.Output().find("UNAUTHENTICATED"), std::string::npos)
        << without_token.Output();
  }
  testing::ChildProcess example(
      interpreter,
      {script, address, "--ca", ca.ca_file(), "--cert", client_certificate.cert_file, "--key",
       client_certificate.key_file},
      {{"PHOTOFLOW_TOKEN", token}});
  ASSERT_EQ(example.WaitForExit(120s), 0) << example.Output();
  EXPECT_EQ(example.Output(), Transcript(fields));
  ExpectRowsTheExampleLeft(schema);
}

TEST(LanguageClientsTest, PythonExampleRunsAgainstALiveServer) {
  ExpectExampleTranscript(PHOTOFLOW_CLIENT_PYTHON,
                          PHOTOFLOW_SOURCE_DIR "/client/python/examples/quickstart.py",
                          "['task.title']");
}

TEST(LanguageClientsTest, NodeExampleRunsAgainstALiveServer) {
  ExpectExampleTranscript(PHOTOFLOW_NODE_BINARY,
                          PHOTOFLOW_SOURCE_DIR "/client/node/examples/quickstart.js",
                          R"(["task.title"])");
}

TEST(LanguageClientsTest, PythonExampleOverMutualTlsWithAToken) {
  ExpectSecuredExampleTranscript(PHOTOFLOW_CLIENT_PYTHON,
                                 PHOTOFLOW_SOURCE_DIR "/client/python/examples/quickstart.py",
                                 "['task.title']");
}

TEST(LanguageClientsTest, NodeExampleOverMutualTlsWithAToken) {
  ExpectSecuredExampleTranscript(PHOTOFLOW_NODE_BINARY,
                                 PHOTOFLOW_SOURCE_DIR "/client/node/examples/quickstart.js",
                                 R"(["task.title"])");
}

// The live-board examples: a batch create, a watched column with its changes
// in commit order, a resume from a token and the board's counts.
void ExpectLiveBoardTranscript(const std::string& interpreter, const std::string& script) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  testing::ChildProcess example(interpreter,
                                {script, "127.0.0.1:" + std::to_string(server.server().port())});
  ASSERT_EQ(example.WaitForExit(120s), 0) << example.Output();
  EXPECT_EQ(example.Output(),
            "created tasks 1, 2 in one batch\n"
            "EXISTING #2 Portraits - Jones\n"
            "CURRENT\n"
            "UPDATED #1 Wedding Photography - Smith Family\n"
            "REMOVED #2\n"
            "UPDATED #1 Wedding Photography - Smith Family (comments 1)\n"
            "resumed after the first change: REMOVED #2, UPDATED #1\n"
            "column 2: 1 unfinished, 0 finished, 0 overdue, comments 1\n"
            "column 3: 1 unfinished, 0 finished, 0 overdue, comments 0\n");
}

TEST(LanguageClientsTest, PythonLiveBoardExampleWatchesAndResumes) {
  ExpectLiveBoardTranscript(PHOTOFLOW_CLIENT_PYTHON,
                            PHOTOFLOW_SOURCE_DIR "/client/python/examples/live_board.py");
}

TEST(LanguageClientsTest, NodeLiveBoardExampleWatchesAndResumes) {
  ExpectLiveBoardTranscript(PHOTOFLOW_NODE_BINARY,
                            PHOTOFLOW_SOURCE_DIR "/client/node/examples/live_board.js");
}

}  // namespace
}  // namespace photoflow
