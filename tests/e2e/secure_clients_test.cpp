// The photoflow CLI and photoflow-bench against a server that wants mutual TLS
// and bearer tokens: --ca, --cert, --key, --token and PHOTOFLOW_TOKEN.
#include <gtest/gtest.h>

#include "auth/tokens.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;

class SecureClientsTest : public ::testing::Test {
 protected:
  SecureClientsTest() {
    dir_.Write("tokens", auth::TokenLine(writer_, "bench", auth::kTasksWrite) + "\n" +
                             auth::TokenLine(reader_, "viewer", auth::kTasksRead) + "\n");
    config_.tls = {server_certificate_.cert_file, server_certificate_.key_file, ca_.ca_file()};
    config_.auth_tokens_file = (dir_.path() / "tokens").string();
  }

  // The CLI's flags for this server, with or without the client certificate.
  std::vector<std::string> Flags(bool client_certificate = true) const {
    std::vector<std::string> flags = {"--addr", "localhost:" + std::to_string(server_port_), "--ca",
                                      ca_.ca_file()};
    if (client_certificate) {
      flags.insert(flags.end(), {"--cert", client_certificate_.cert_file, "--key",
                                 client_certificate_.key_file});
    }
    return flags;
  }

  // Runs the CLI; its exit code (10 + the gRPC code for a failed call).
  int Cli(std::vector<std::string> command,
          const std::map<std::string, std::string>& env = {{"PHOTOFLOW_TOKEN", ""}},
          bool client_certificate = true) {
    std::vector<std::string> args = Flags(client_certificate);
    args.insert(args.end(), command.begin(), command.end());
    ChildProcess cli(PHOTOFLOW_CLI_BINARY, args, env);
    last_output_ = "";
    const std::optional<int> code = cli.WaitForExit(60s);
    last_output_ = cli.Output();
    return code.value_or(-1);
  }

  const testing::TestCertificateAuthority ca_;
  const testing::Issued server_certificate_ = ca_.Issue("localhost");
  const testing::Issued client_certificate_ = ca_.Issue("bench", /*server=*/false);
  const std::string writer_ = auth::NewToken();
  const std::string reader_ = auth::NewToken();
  testing::TempDir dir_;
  testing::TestSchema schema_;
  config::Config config_ = testing::TestConfig(schema_.url());
  int server_port_ = 0;
  std::string last_output_;
};

TEST_F(SecureClientsTest, TheCliSendsItsCertificateAndToken) {
  testing::TestServer server(config_);
  server_port_ = server.server().port();
  constexpr int kExitNotFound = 10 + 5;
  constexpr int kExitPermissionDenied = 10 + 7;
  constexpr int kExitUnavailable = 10 + 14;
  constexpr int kExitUnauthenticated = 10 + 16;

  EXPECT_EQ(Cli({"tasks", "get", "424242"}), kExitUnauthenticated) << last_output_;
  EXPECT_NE(last_output_.find("TOKEN_MISSING"), std::string::npos) << last_output_;
  EXPECT_EQ(Cli({"--token", reader_, "tasks", "get", "424242"}), kExitNotFound) << last_output_;
  EXPECT_EQ(Cli({"tasks", "get", "424242"}, {{"PHOTOFLOW_TOKEN", reader_}}), kExitNotFound)
      << last_output_;
  EXPECT_EQ(Cli({"tasks", "create", "--title", "Passport photos", "--due", "2027-01-05", "--status",
                 "New"},
                {{"PHOTOFLOW_TOKEN", reader_}}),
            kExitPermissionDenied)
      << last_output_;
  EXPECT_EQ(Cli({"--token", writer_, "tasks", "create", "--title", "Passport photos", "--due",
                 "2027-01-05", "--status", "New"}),
            0)
      << last_output_;
  EXPECT_EQ(schema_.QueryValue("SELECT task FROM \"Tasks\""), "Passport photos");
  // No client certificate: the handshake fails, whatever the token.
  EXPECT_EQ(Cli({"--token", writer_, "tasks", "get", "1"}, {}, /*client_certificate=*/false),
            kExitUnavailable)
      << last_output_;
  // --cert without --key is a usage error, before any call.
  ChildProcess half(PHOTOFLOW_CLI_BINARY,
                    {"--addr", "localhost:1", "--cert", client_certificate_.cert_file, "health"});
  EXPECT_EQ(half.WaitForExit(60s), 2) << half.Output();
}

TEST_F(SecureClientsTest, TheBenchToolRunsOverMutualTlsWithAToken) {
  testing::TestServer server(config_);
  server_port_ = server.server().port();
  std::vector<std::string> args = Flags();
  // Four calls in flight: below this caller's default limit (half of the
  // pool and its waiters), which on a small machine is fewer than the
  // bench's default of 16.
  args.insert(args.end(), {"--wait-ready", "30", "--seed", "10", "--scenario", "get", "--in-flight",
                           "4", "--duration", "0.3", "--warmup", "0", "--json"});
  ChildProcess bench(PHOTOFLOW_BENCH_BINARY, args, {{"PHOTOFLOW_TOKEN", writer_}});
  ASSERT_EQ(bench.WaitForExit(120s), 0) << bench.Output();
  EXPECT_NE(bench.Output().find("\"errors\":{}"), std::string::npos) << bench.Output();
  EXPECT_EQ(schema_.QueryValue("SELECT count(*) FROM \"Tasks\""), "10");

  std::vector<std::string> read_only = Flags();
  read_only.insert(read_only.end(), {"--token", reader_, "--scenario", "create", "--duration",
                                     "0.2", "--warmup", "0", "--json"});
  ChildProcess denied(PHOTOFLOW_BENCH_BINARY, read_only, {{"PHOTOFLOW_TOKEN", ""}});
  denied.WaitForExit(120s);
  EXPECT_NE(denied.Output().find("\"PERMISSION_DENIED\":"), std::string::npos) << denied.Output();
}

}  // namespace
}  // namespace photoflow
