#include "api/database_errors.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <pqxx/except>

#include "db/errors.hpp"
#include "support/error_details.hpp"

namespace photoflow::api {
namespace {

struct Mapped {
  grpc::StatusCode code;
  std::string reason;
  std::string message;
};

class DatabaseErrorsTest : public ::testing::Test {
 protected:
  template <typename Error>
  Mapped Map(const Error& error, std::string_view query = "task_find") {
    const grpc::Status status = StatusFromException(std::make_exception_ptr(error), logger_, query);
    return {status.error_code(), testing::DecodeDetails(status).reason, status.error_message()};
  }
  static pqxx::sql_error Sql(const char* sqlstate) {
    return pqxx::sql_error("ERROR: secret server text", "SELECT secret FROM internals", sqlstate);
  }

  std::ostringstream log_;
  log::Logger logger_{log_, log::Level::kDebug};
};

TEST_F(DatabaseErrorsTest, PoolFailuresKeepTheirMeaning) {
  EXPECT_EQ(Map(db::PoolTimeout("no connection")).code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Map(db::PoolTimeout("no connection")).reason, "CONNECTION_POOL_EXHAUSTED");
  EXPECT_EQ(Map(db::DeadlineExceeded("late")).code, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(Map(db::CallCancelled("gone")).code, grpc::StatusCode::CANCELLED);
  const Mapped unavailable = Map(db::DatabaseUnavailable("password=hunter2 refused"));
  EXPECT_EQ(unavailable.code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(unavailable.reason, "DATABASE_UNAVAILABLE");
  EXPECT_EQ(unavailable.message.find("hunter2"), std::string::npos) << "logged, not returned";
}

TEST_F(DatabaseErrorsTest, SqlStatesBecomeTheirCanonicalCodes) {
  const std::tuple<const char*, grpc::StatusCode, const char*> cases[] = {
      {"57014", grpc::StatusCode::DEADLINE_EXCEEDED, "STATEMENT_CANCELLED"},
      {"40001", grpc::StatusCode::ABORTED, "TRANSACTION_CONFLICT"},
      {"40P01", grpc::StatusCode::ABORTED, "TRANSACTION_CONFLICT"},
      {"23503", grpc::StatusCode::FAILED_PRECONDITION, "FOREIGN_KEY_VIOLATION"},
      {"23505", grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS"},
      {"22003", grpc::StatusCode::INVALID_ARGUMENT, "INVALID_VALUE"},
      {"08006", grpc::StatusCode::UNAVAILABLE, "DATABASE_UNAVAILABLE"},
      {"57P01", grpc::StatusCode::UNAVAILABLE, "DATABASE_UNAVAILABLE"},
      {"53300", grpc::StatusCode::RESOURCE_EXHAUSTED, "DATABASE_OUT_OF_RESOURCES"},
      {"42P01", grpc::StatusCode::FAILED_PRECONDITION, "SCHEMA_MISSING"},
      {"3F000", grpc::StatusCode::FAILED_PRECONDITION, "SCHEMA_MISSING"},
      {"42601", grpc::StatusCode::INTERNAL, "INTERNAL"},
  };
  for (const auto& [sqlstate, code, reason] : cases) {
    const Mapped mapped = Map(Sql(sqlstate));
    EXPECT_EQ(mapped.code, code) << sqlstate;
    EXPECT_EQ(mapped.reason, reason) << sqlstate;
    EXPECT_EQ(mapped.message.find("secret"), std::string::npos) << sqlstate << ": leaks internals";
  }
}

TEST_F(DatabaseErrorsTest, LibpqxxFailuresOutsideSqlErrors) {
  EXPECT_EQ(Map(pqxx::in_doubt_error("commit lost")).reason, "COMMIT_IN_DOUBT");
  EXPECT_EQ(Map(pqxx::in_doubt_error("commit lost")).code, grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(Map(pqxx::statement_completion_unknown("?")).code, grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(Map(pqxx::broken_connection("reset")).code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Map(pqxx::transaction_rollback("serialization")).code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(Map(std::runtime_error("bug")).code, grpc::StatusCode::INTERNAL);
  EXPECT_EQ(Map(42).code, grpc::StatusCode::INTERNAL) << "a non-standard exception";
}

TEST_F(DatabaseErrorsTest, ServerErrorsAreLoggedWithTheStatementName) {
  Map(Sql("42601"), "comment_delete");
  const std::string log = log_.str();
  EXPECT_NE(log.find("\"event\":\"database_error\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"query\":\"comment_delete\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"sqlstate\":\"42601\""), std::string::npos) << log;
}

}  // namespace
}  // namespace photoflow::api
