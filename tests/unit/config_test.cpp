#include "config/config.hpp"

#include <map>

#include <gtest/gtest.h>

namespace photoflow::config {
namespace {

EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, DefaultsApplyWhenOnlyDatabaseUrlIsSet) {
  const Config config =
      ParseCommandLine({}, FakeEnvironment({{"DATABASE_URL", "postgresql://h/db"}})).config;
  EXPECT_EQ(config.listen_address, "0.0.0.0:50051");
  EXPECT_EQ(config.metrics_listen_address, "0.0.0.0:9464");
  EXPECT_EQ(config.connection_limit, DefaultConnectionLimit());
  EXPECT_EQ(config.pool_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config.shutdown_grace, std::chrono::seconds(10));
  EXPECT_FALSE(config.migrate_on_start);
  EXPECT_EQ(config.migrations_dir, DefaultMigrationsDir());
  EXPECT_EQ(config.db_stats_interval, std::chrono::seconds(15));
  EXPECT_EQ(config.pool_max_lifetime, std::chrono::minutes(30));
  EXPECT_FALSE(config.database.pgbouncer);
}

TEST(ConfigTest, MetricsAndLifetimeSettings) {
  const auto env = FakeEnvironment({{"DATABASE_URL", "postgresql://h/db?pgbouncer=true"},
                                    {"PHOTOFLOW_DB_STATS_INTERVAL", "0.5"},
                                    {"PHOTOFLOW_POOL_MAX_LIFETIME", "0"}});
  const Config config = ParseCommandLine({"--metrics-listen="}, env).config;
  EXPECT_EQ(config.metrics_listen_address, "") << "empty turns metrics off";
  EXPECT_EQ(config.db_stats_interval, std::chrono::milliseconds(500));
  EXPECT_EQ(config.pool_max_lifetime, std::chrono::milliseconds(0));
  EXPECT_TRUE(config.database.pgbouncer);
  EXPECT_EQ(config.database.libpq_url, "postgresql://h/db") << "pgbouncer never reaches libpq";
  EXPECT_THROW(ParseCommandLine({"--db-stats-interval=0"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--pool-max-lifetime=-1"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--metrics-listen=9464"}, env), std::invalid_argument);
}

TEST(ConfigTest, DefaultConnectionLimitIsTwiceTheCoresPlusOne) {
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  EXPECT_EQ(DefaultConnectionLimit(), 2 * cores + 1);
}

TEST(ConfigTest, FlagsOverrideEnvironment) {
  const Config config =
      ParseCommandLine({"--listen=127.0.0.1:6000", "--database-url", "postgresql://flag/db",
                        "--shutdown-grace", "2.5", "--migrate", "--log-level=warn"},
                       FakeEnvironment({{"DATABASE_URL", "postgresql://env/db"},
                                        {"PHOTOFLOW_LISTEN", "0.0.0.0:7000"},
                                        {"PHOTOFLOW_METRICS_LISTEN", "127.0.0.1:9999"}}))
          .config;
  EXPECT_EQ(config.database.libpq_url, "postgresql://flag/db");
  EXPECT_EQ(config.listen_address, "127.0.0.1:6000");
  EXPECT_EQ(config.metrics_listen_address, "127.0.0.1:9999");
  EXPECT_EQ(config.shutdown_grace, std::chrono::milliseconds(2500));
  EXPECT_TRUE(config.migrate_on_start);
  EXPECT_EQ(config.log_level, log::Level::kWarn);
}

TEST(ConfigTest, TlsFilesGoTogether) {
  const auto env = FakeEnvironment({{"DATABASE_URL", "postgresql://h/db"}});
  const Config plain = ParseCommandLine({}, env).config;
  EXPECT_FALSE(plain.tls.enabled());
  EXPECT_TRUE(plain.auth_tokens_file.empty());
  EXPECT_TRUE(plain.reflection);
  EXPECT_EQ(plain.reload_interval, std::chrono::seconds(10));
  const Config mutual =
      ParseCommandLine({"--tls-cert=s.pem", "--tls-key=s.key", "--tls-client-ca=ca.pem",
                        "--reflection=false", "--reload-interval=2"},
                       env)
          .config;
  EXPECT_TRUE(mutual.tls.enabled());
  EXPECT_EQ(mutual.tls.client_ca_file, "ca.pem");
  EXPECT_FALSE(mutual.reflection);
  EXPECT_EQ(mutual.reload_interval, std::chrono::seconds(2));
  EXPECT_THROW(ParseCommandLine({"--tls-cert=s.pem"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--tls-key=s.key"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--tls-client-ca=ca.pem"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--reload-interval=0"}, env), std::invalid_argument);
}

TEST(ConfigTest, PoolSettingsComeFromTheUrl) {
  const Config config =
      ParseCommandLine(
          {}, FakeEnvironment(
                  {{"DATABASE_URL", "postgresql://h/db?connection_limit=4&pool_timeout=1"}}))
          .config;
  EXPECT_EQ(config.connection_limit, 4);
  EXPECT_EQ(config.pool_timeout, std::chrono::seconds(1));
  EXPECT_EQ(config.pool_max_waiters, 16) << "4 x connection_limit by default";
}

TEST(ConfigTest, PoolMaxWaitersCanBeSet) {
  const Config config = ParseCommandLine({"--pool-max-waiters=3"},
                                         FakeEnvironment({{"DATABASE_URL", "postgresql://h/db"}}))
                            .config;
  EXPECT_EQ(config.pool_max_waiters, 3);
  EXPECT_THROW(ParseCommandLine({"--pool-max-waiters=-1"},
                                FakeEnvironment({{"DATABASE_URL", "postgresql://h/db"}})),
               std::invalid_argument);
}

TEST(ConfigTest, MissingDatabaseUrlIsAClearError) {
  try {
    ParseCommandLine({}, FakeEnvironment({}));
    FAIL() << "accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("DATABASE_URL"), std::string::npos);
  }
}

TEST(ConfigTest, BadValuesAreRejected) {
  const auto env = FakeEnvironment({{"DATABASE_URL", "postgresql://h/db"}});
  EXPECT_THROW(ParseCommandLine({"--bogus"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--listen"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--listen=nohostport"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--shutdown-grace=soon"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--log-level=loud"}, env), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"--migrate=perhaps"}, env), std::invalid_argument);
}

TEST(ConfigTest, HelpNeedsNoDatabaseAndListsEverySetting) {
  EXPECT_TRUE(ParseCommandLine({"--help"}, FakeEnvironment({})).help);
  const std::string help = HelpText("photoflow-server");
  for (const char* name :
       {"DATABASE_URL", "PHOTOFLOW_LISTEN", "PHOTOFLOW_METRICS_LISTEN", "PHOTOFLOW_SHUTDOWN_GRACE",
        "PHOTOFLOW_POOL_MAX_WAITERS", "PHOTOFLOW_HEALTH_INTERVAL", "PHOTOFLOW_LOG_LEVEL",
        "PHOTOFLOW_MIGRATE", "PHOTOFLOW_MIGRATIONS_DIR", "PHOTOFLOW_DB_STATS_INTERVAL",
        "PHOTOFLOW_POOL_MAX_LIFETIME", "connection_limit", "pool_timeout", "pgbouncer"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace photoflow::config
