// TLS between the service and PostgreSQL: DATABASE_URL's sslmode and
// sslrootcert go to libpq, so sslmode=verify-full encrypts and authenticates
// the database. test.sh runs PostgreSQL with TLS on (PHOTOFLOW_PG_SSL=1) and
// names its certificate in PHOTOFLOW_TEST_PG_SSLROOTCERT.
#include <chrono>
#include <cstdlib>
#include <string>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "support/api_fixture.hpp"
#include "support/test_certificates.hpp"

namespace photoflow {
namespace {

// The database server's certificate; the test fails (never skips) without it.
std::string DatabaseCertificate() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing sets the environment here
  const char* path = std::getenv("PHOTOFLOW_TEST_PG_SSLROOTCERT");
  if (path == nullptr || *path == '\0') {
    ADD_FAILURE() << "PHOTOFLOW_TEST_PG_SSLROOTCERT is not set: run deploy/local/test.sh, or point "
                     "it at the CA of DATABASE_URL's server (which must have ssl = on)";
    return "";
  }
  return path;
}

std::string WithParameters(const std::string& url, const std::string& parameters) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + parameters;
}

// Whether this session is encrypted, as PostgreSQL sees it.
bool SessionIsEncrypted(const std::string& database_url) {
  pqxx::connection connection(config::ParseDatabaseUrl(database_url).libpq_url);
  return pqxx::nontransaction(connection)
      .exec1("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0]
      .as<bool>();
}

class DatabaseTlsTest : public ::testing::Test {
 protected:
  testing::TestSchema schema_;
};

TEST_F(DatabaseTlsTest, VerifyFullEncryptsTheSessionAndTheServiceServesOverIt) {
  const std::string certificate = DatabaseCertificate();
  ASSERT_FALSE(certificate.empty());
  const std::string verified =
      WithParameters(schema_.url(), "sslmode=verify-full&sslrootcert=" + certificate);
  EXPECT_TRUE(SessionIsEncrypted(verified));
  EXPECT_FALSE(SessionIsEncrypted(WithParameters(schema_.url(), "sslmode=disable")));

  testing::TestServer server(testing::TestConfig(verified));
  v1::CreateTaskRequest request;
  *request.mutable_task() = testing::ApiTest::SampleTask("Over TLS");
  v1::Task created;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  const grpc::Status status = server.tasks().CreateTask(&context, request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(schema_.QueryValue("SELECT task FROM \"Tasks\""), "Over TLS");
}

TEST_F(DatabaseTlsTest, VerifyFullRefusesACertificateFromAnotherCa) {
  const testing::TestCertificateAuthority other_ca;
  const std::string url =
      WithParameters(schema_.url(), "sslmode=verify-full&sslrootcert=" + other_ca.ca_file());
  EXPECT_THROW(SessionIsEncrypted(url), pqxx::broken_connection);
}

TEST_F(DatabaseTlsTest, VerifyFullRefusesAHostTheCertificateDoesNotName) {
  const std::string certificate = DatabaseCertificate();
  ASSERT_FALSE(certificate.empty());
  // The certificate names 127.0.0.1 only; "localhost" is the same server
  // under a name it does not hold.
  std::string url = schema_.url();
  const std::size_t host = url.find("@127.0.0.1:");
  ASSERT_NE(host, std::string::npos) << "DATABASE_URL must use 127.0.0.1 for this test";
  url.replace(host, 10, "@localhost");
  EXPECT_THROW(
      SessionIsEncrypted(WithParameters(url, "sslmode=verify-full&sslrootcert=" + certificate)),
      pqxx::broken_connection);
}

}  // namespace
}  // namespace photoflow
