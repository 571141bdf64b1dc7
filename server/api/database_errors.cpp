#include "api/database_errors.hpp"

#include <string>

#include <pqxx/except>

#include "api/rpc_status.hpp"
#include "db/errors.hpp"

namespace photoflow::api {
namespace {

bool HasClass(std::string_view sqlstate, std::string_view sqlstate_class) {
  return sqlstate.substr(0, 2) == sqlstate_class;
}

bool IsRejectedDataState(std::string_view state) {
  return HasClass(state, "22") || HasClass(state, "23") || HasClass(state, "P0");
}

grpc::Status FromSqlState(const pqxx::sql_error& error, log::Logger& logger,
                          const std::string& query) {
  const std::string& state = error.sqlstate();
  if (state == "57014") {
    return MakeStatus(grpc::StatusCode::DEADLINE_EXCEEDED, "the database statement was cancelled",
                      "STATEMENT_CANCELLED");
  }
  if (state == "40001" || state == "40P01") {
    return MakeStatus(grpc::StatusCode::ABORTED, "concurrent change conflict; retry the call",
                      "TRANSACTION_CONFLICT");
  }
  if (state == "23503") {
    return MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                      "a referenced row does not exist (any more)", "FOREIGN_KEY_VIOLATION");
  }
  if (state == "23505") {
    return MakeStatus(grpc::StatusCode::ALREADY_EXISTS, "the row exists already", "ALREADY_EXISTS");
  }
  if (HasClass(state, "22")) {
    // Data exceptions come from values a client sent (a number out of range,
    // text PostgreSQL cannot store); the request is at fault, not the server.
    logger.Info("database_data_exception",
                {{"sqlstate", state}, {"query", query}, {"message", error.what()}});
    return MakeStatus(grpc::StatusCode::INVALID_ARGUMENT,
                      "a value is not acceptable to the database", "INVALID_VALUE");
  }
  if (HasClass(state, "08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return MakeStatus(grpc::StatusCode::UNAVAILABLE, "the database is not available",
                      "DATABASE_UNAVAILABLE");
  }
  if (HasClass(state, "53")) {
    return MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED, "the database is out of resources",
                      "DATABASE_OUT_OF_RESOURCES");
  }
  if (state == "42P01" || state == "3F000") {
    logger.Error("database_schema_missing",
                 {{"sqlstate", state}, {"query", query}, {"message", error.what()}});
    return MakeStatus(grpc::StatusCode::FAILED_PRECONDITION,
                      "the database schema is missing; run photoflow-migrate deploy",
                      "SCHEMA_MISSING");
  }
  logger.Error("database_error",
               {{"sqlstate", state}, {"query", query}, {"message", error.what()}});
  return MakeStatus(grpc::StatusCode::INTERNAL, "internal database error", "INTERNAL");
}

}  // namespace

grpc::Status StatusFromException(std::exception_ptr error, log::Logger& logger,
                                 std::string_view query_name) {
  const std::string query(query_name);
  try {
    std::rethrow_exception(std::move(error));
  } catch (const db::PoolTimeout& e) {
    return MakeStatus(grpc::StatusCode::RESOURCE_EXHAUSTED, e.what(), "CONNECTION_POOL_EXHAUSTED");
  } catch (const db::DeadlineExceeded& e) {
    return MakeStatus(grpc::StatusCode::DEADLINE_EXCEEDED, e.what(), "DEADLINE_EXCEEDED");
  } catch (const db::CallCancelled& e) {
    return MakeStatus(grpc::StatusCode::CANCELLED, e.what(), "CANCELLED");
  } catch (const db::DatabaseUnavailable& e) {
    logger.Warn("database_unavailable", {{"message", e.what()}});
    return MakeStatus(grpc::StatusCode::UNAVAILABLE, "the database is not available",
                      "DATABASE_UNAVAILABLE");
  } catch (const pqxx::in_doubt_error& e) {
    logger.Error("commit_in_doubt", {{"query", query}, {"message", e.what()}});
    return MakeStatus(grpc::StatusCode::UNKNOWN,
                      "the connection broke during commit; the change may or may not be saved",
                      "COMMIT_IN_DOUBT");
  } catch (const pqxx::broken_connection& e) {
    logger.Warn("database_connection_broken", {{"message", e.what()}});
    return MakeStatus(grpc::StatusCode::UNAVAILABLE, "the database is not available",
                      "DATABASE_UNAVAILABLE");
  } catch (const pqxx::statement_completion_unknown& e) {
    logger.Error("statement_completion_unknown", {{"query", query}, {"message", e.what()}});
    return MakeStatus(grpc::StatusCode::UNKNOWN, "the outcome of the change is unknown",
                      "COMMIT_IN_DOUBT");
  } catch (const pqxx::transaction_rollback& e) {
    // libpqxx 6 reports serialization failures and deadlocks outside sql_error.
    logger.Info("transaction_conflict", {{"query", query}, {"message", e.what()}});
    return MakeStatus(grpc::StatusCode::ABORTED, "concurrent change conflict; retry the call",
                      "TRANSACTION_CONFLICT");
  } catch (const pqxx::sql_error& e) {
    return FromSqlState(e, logger, query);
  } catch (const std::exception& e) {
    logger.Error("internal_error", {{"query", query}, {"message", e.what()}});
    return MakeStatus(grpc::StatusCode::INTERNAL, "internal error", "INTERNAL");
  } catch (...) {
    logger.Error("internal_error", {{"message", "non-standard exception"}});
    return MakeStatus(grpc::StatusCode::INTERNAL, "internal error", "INTERNAL");
  }
}

bool IsRejectedData(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::sql_error& sql) {
    return IsRejectedDataState(sql.sqlstate());
  } catch (...) {
    return false;
  }
}

}  // namespace photoflow::api
