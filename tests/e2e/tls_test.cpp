// gRPC over TLS and mutual TLS, with certificates from a throwaway CA, and
// certificates replaced on disk while the server runs.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include "photoflow/v1/task_service.grpc.pb.h"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"
#include "support/test_database.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

using namespace std::chrono_literals;
using testing::Issued;
using testing::ReadFile;
using testing::TestCertificateAuthority;

std::shared_ptr<grpc::ChannelCredentials> TlsClient(const std::string& trusted_ca,
                                                    const Issued* client_certificate = nullptr) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(trusted_ca);
  if (client_certificate != nullptr) {
    options.pem_private_key = ReadFile(client_certificate->key_file);
    options.pem_cert_chain = ReadFile(client_certificate->cert_file);
  }
  return grpc::SslCredentials(options);
}

// A channel with a connection of its own (gRPC shares connections between
// channels with equal arguments).
std::shared_ptr<grpc::Channel> NewChannel(int port,
                                          const std::shared_ptr<grpc::ChannelCredentials>& creds) {
  static std::atomic<int> channels{0};
  grpc::ChannelArguments arguments;
  arguments.SetInt("photoflow.test.channel", channels.fetch_add(1));
  return grpc::CreateCustomChannel("localhost:" + std::to_string(port), creds, arguments);
}

struct CallResult {
  grpc::StatusCode code;
  std::string server_name;  // the common name of the certificate the server showed
};

// GetTask of a task that does not exist: NOT_FOUND means the call reached the
// service through the handshake.
CallResult GetMissingTask(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::TaskService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  v1::GetTaskRequest request;
  request.set_id(424242);
  v1::Task task;
  const grpc::Status status = stub->GetTask(&context, request, &task);
  CallResult result{status.error_code(), ""};
  if (const auto auth = context.auth_context()) {
    for (const auto& name : auth->FindPropertyValues("x509_common_name")) {
      result.server_name.assign(name.begin(), name.end());
    }
  }
  return result;
}

config::Config TlsConfig(const testing::TestSchema& schema, const Issued& server,
                         const std::string& client_ca = "") {
  config::Config config = testing::TestConfig(schema.url());
  config.tls = {server.cert_file, server.key_file, client_ca};
  return config;
}

TEST(TlsTest, ClientsThatTrustTheCaAreServedAndPlaintextOrOtherCasAreRefused) {
  testing::TestSchema schema;
  const TestCertificateAuthority ca;
  const TestCertificateAuthority other_ca("another-ca");
  testing::TestServer server(TlsConfig(schema, ca.Issue("server-1")));
  const int port = server.server().port();

  const CallResult trusted = GetMissingTask(NewChannel(port, TlsClient(ca.ca_file())));
  EXPECT_EQ(trusted.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(trusted.server_name, "server-1");
  EXPECT_EQ(GetMissingTask(NewChannel(port, grpc::InsecureChannelCredentials())).code,
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetMissingTask(NewChannel(port, TlsClient(other_ca.ca_file()))).code,
            grpc::StatusCode::UNAVAILABLE);
}

TEST(TlsTest, MutualTlsServesOnlyClientsWithACertificateFromTheClientCa) {
  testing::TestSchema schema;
  const TestCertificateAuthority ca;
  const TestCertificateAuthority clients_ca("clients-ca");
  const TestCertificateAuthority stranger_ca("stranger-ca");
  testing::TestServer server(TlsConfig(schema, ca.Issue("server-1"), clients_ca.ca_file()));
  const int port = server.server().port();

  const Issued billing = clients_ca.Issue("billing", /*server=*/false);
  const Issued stranger = stranger_ca.Issue("billing", /*server=*/false);
  EXPECT_EQ(GetMissingTask(NewChannel(port, TlsClient(ca.ca_file(), &billing))).code,
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetMissingTask(NewChannel(port, TlsClient(ca.ca_file()))).code,
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(GetMissingTask(NewChannel(port, TlsClient(ca.ca_file(), &stranger))).code,
            grpc::StatusCode::UNAVAILABLE);
}

// Polls `condition` until it holds or `timeout` passes (gRPC re-reads the
// files on its own schedule, which a test cannot hook into).
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

TEST(TlsTest, ACertificateReplacedOnDiskServesNewConnectionsAndOpenOnesStay) {
  testing::TestSchema schema;
  const TestCertificateAuthority ca;
  const Issued first = ca.Issue("server-1");
  const Issued second = ca.Issue("server-2");
  const testing::TempDir live;
  const auto install = [&](const Issued& issued) {
    // Each file replaced whole (rename), as a secret volume or cert-manager does.
    for (const auto& [from, to] :
         {std::pair{issued.key_file, "server.key"}, std::pair{issued.cert_file, "server.pem"}}) {
      live.Write(std::string(to) + ".new", ReadFile(from));
      std::filesystem::rename(live.path() / (std::string(to) + ".new"), live.path() / to);
    }
  };
  install(first);
  config::Config config = testing::TestConfig(schema.url());
  config.tls = {(live.path() / "server.pem").string(), (live.path() / "server.key").string(), ""};
  config.reload_interval = 1s;
  testing::TestServer server(config);
  const int port = server.server().port();

  const auto open_channel = NewChannel(port, TlsClient(ca.ca_file()));
  ASSERT_EQ(GetMissingTask(open_channel).server_name, "server-1");
  install(second);
  EXPECT_TRUE(Eventually(
      [&] {
        return GetMissingTask(NewChannel(port, TlsClient(ca.ca_file()))).server_name == "server-2";
      },
      30s));
  // The connection opened before the change was not dropped: it still works,
  // on the certificate of its handshake.
  EXPECT_EQ(open_channel->GetState(false), GRPC_CHANNEL_READY);
  const CallResult later = GetMissingTask(open_channel);
  EXPECT_EQ(later.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(later.server_name, "server-1");
}

TEST(TlsTest, AKeyThatIsNotTheCertificatesStopsTheServerNamingTheSetting) {
  testing::TestSchema schema;
  const TestCertificateAuthority ca;
  const Issued first = ca.Issue("server-1");
  const Issued second = ca.Issue("server-2");
  log::Logger logger(std::cerr);
  config::Config config = TlsConfig(schema, first);
  config.tls.key_file = second.key_file;
  app::PhotoflowServer mismatched(config, logger);
  try {
    mismatched.Start();
    ADD_FAILURE() << "started with a key that is not the certificate's";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("PHOTOFLOW_TLS_KEY"), std::string::npos)
        << error.what();
  }
  config.tls.key_file = first.key_file;
  config.tls.client_ca_file = "/nonexistent/ca.pem";
  app::PhotoflowServer missing_ca(config, logger);
  EXPECT_THROW(missing_ca.Start(), std::runtime_error);
}

grpc::StatusCode CallReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);  // an empty ServerReflectionRequest
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                 grpc::StubOptions(), &request, &response,
                 [&done](const grpc::Status& status) { done.set_value(status); });
  return done.get_future().get().error_code();
}

TEST(ReflectionSettingTest, ReflectionCanBeTurnedOff) {
  testing::TestSchema schema;
  testing::TestServer with_reflection(schema);
  EXPECT_NE(CallReflection(with_reflection.channel()), grpc::StatusCode::UNIMPLEMENTED);
  config::Config config = testing::TestConfig(schema.url());
  config.reflection = false;
  testing::TestServer without_reflection(config);
  EXPECT_EQ(CallReflection(without_reflection.channel()), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace photoflow
