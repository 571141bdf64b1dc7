#include "config/database_url.hpp"

#include <gtest/gtest.h>

namespace photoflow::config {
namespace {

TEST(DatabaseUrlTest, PlainUrlPassesThroughUnchanged) {
  const DatabaseUrl url = ParseDatabaseUrl("postgresql://pf:secret@db.example:5432/photoflow");
  EXPECT_EQ(url.libpq_url, "postgresql://pf:secret@db.example:5432/photoflow");
  EXPECT_FALSE(url.connection_limit.has_value());
  EXPECT_FALSE(url.pool_timeout.has_value());
  EXPECT_EQ(url.schema, "");
  EXPECT_FALSE(url.pgbouncer);
}

TEST(DatabaseUrlTest, PrismaParametersAreHonouredAndStripped) {
  const DatabaseUrl url = ParseDatabaseUrl(
      "postgres://pf:secret@localhost/photoflow?connection_limit=7&sslmode=disable&"
      "pool_timeout=2.5&schema=studio&pgbouncer=true&application_name=billing");
  EXPECT_EQ(url.libpq_url,
            "postgres://pf:secret@localhost/photoflow?sslmode=disable&application_name=billing");
  ASSERT_TRUE(url.connection_limit.has_value());
  EXPECT_EQ(*url.connection_limit, 7);
  ASSERT_TRUE(url.pool_timeout.has_value());
  EXPECT_EQ(url.pool_timeout->count(), 2500);
  EXPECT_EQ(url.schema, "studio");
  EXPECT_TRUE(url.pgbouncer);
}

TEST(DatabaseUrlTest, PrismaOnlyParametersWeDoNotImplementAreStillStripped) {
  const DatabaseUrl url = ParseDatabaseUrl(
      "postgresql://h/db?socket_timeout=5&statement_cache_size=0&sslaccept=strict");
  EXPECT_EQ(url.libpq_url, "postgresql://h/db");
}

TEST(DatabaseUrlTest, PercentEncodedSchemaIsDecoded) {
  EXPECT_EQ(ParseDatabaseUrl("postgresql://h/db?schema=my%20schema").schema, "my schema");
}

TEST(DatabaseUrlTest, PoolTimeoutZeroMeansNoLimit) {
  EXPECT_EQ(ParseDatabaseUrl("postgresql://h/db?pool_timeout=0").pool_timeout->count(), 0);
}

TEST(DatabaseUrlTest, BadValuesNameTheParameter) {
  for (const char* bad :
       {"postgresql://h/db?connection_limit=0", "postgresql://h/db?connection_limit=abc",
        "postgresql://h/db?connection_limit=5x"}) {
    try {
      ParseDatabaseUrl(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("connection_limit"), std::string::npos) << bad;
    }
  }
  EXPECT_THROW(ParseDatabaseUrl("postgresql://h/db?pool_timeout=-1"), std::invalid_argument);
  EXPECT_THROW(ParseDatabaseUrl("postgresql://h/db?pgbouncer=maybe"), std::invalid_argument);
  EXPECT_THROW(ParseDatabaseUrl("postgresql://h/db?schema="), std::invalid_argument);
  EXPECT_THROW(ParseDatabaseUrl("postgresql://h/db?schema=%zz"), std::invalid_argument);
  EXPECT_THROW(ParseDatabaseUrl("postgresql://h/db?schema=%4"), std::invalid_argument);
}

TEST(DatabaseUrlTest, NonPostgresUrlIsRejected) {
  EXPECT_THROW(ParseDatabaseUrl("mysql://h/db"), std::invalid_argument);
  EXPECT_THROW(ParseDatabaseUrl("host=localhost dbname=x"), std::invalid_argument);
}

TEST(DatabaseUrlTest, ErrorMessagesNeverContainThePassword) {
  try {
    ParseDatabaseUrl("postgresql://pf:hunter2@h/db?connection_limit=nope");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos);
  }
}

TEST(DatabaseUrlTest, RedactionMasksPasswordsOnly) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://pf:hunter2@h:5432/db?schema=s"),
            "postgresql://pf:****@h:5432/db?schema=s");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://pf@h/db"), "postgresql://pf@h/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://h/db?user=pf&password=hunter2"),
            "postgresql://h/db?user=pf&password=****");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://pf:p%40ss@h/db"), "postgresql://pf:****@h/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://h/db?sslpassword=k3y&sslmode=require"),
            "postgresql://h/db?sslpassword=****&sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("not a url with password=x"), "****");
  EXPECT_EQ(ParseDatabaseUrl("postgresql://pf:hunter2@h/db").redacted, "postgresql://pf:****@h/db");
}

}  // namespace
}  // namespace photoflow::config
