#include "db/errors.hpp"

#include <string_view>

#include <pqxx/except>

namespace photoflow::db {
namespace {

bool HasClass(std::string_view sqlstate, std::string_view sqlstate_class) {
  return sqlstate.substr(0, 2) == sqlstate_class;
}

grpc::Status FromSqlState(const pqxx::sql_error& error, log::Logger& logger) {
  const std::string& state = error.sqlstate();
  if (state == "57014") {
    return {grpc::StatusCode::DEADLINE_EXCEEDED, "the database statement was cancelled"};
  }
  if (state == "40001" || state == "40P01") {
    return {grpc::StatusCode::ABORTED, "concurrent change conflict; retry the call"};
  }
  if (HasClass(state, "08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return {grpc::StatusCode::UNAVAILABLE, "the database is not available"};
  }
  if (HasClass(state, "53")) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "the database is out of resources"};
  }
  if (state == "42P01" || state == "3F000") {
    logger.Error("database_schema_missing", {{"sqlstate", state}, {"message", error.what()}});
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "the database schema is missing; run photoflow-migrate deploy"};
  }
  logger.Error("database_error", {{"sqlstate", state}, {"message", error.what()}});
  return {grpc::StatusCode::INTERNAL, "internal database error"};
}

}  // namespace

grpc::Status StatusFromException(std::exception_ptr error, log::Logger& logger) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const PoolTimeout& e) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, e.what()};
  } catch (const DeadlineExceeded& e) {
    return {grpc::StatusCode::DEADLINE_EXCEEDED, e.what()};
  } catch (const DatabaseUnavailable& e) {
    logger.Warn("database_unavailable", {{"message", e.what()}});
    return {grpc::StatusCode::UNAVAILABLE, "the database is not available"};
  } catch (const pqxx::in_doubt_error& e) {
    logger.Error("commit_in_doubt", {{"message", e.what()}});
    return {grpc::StatusCode::UNKNOWN,
            "the connection broke during commit; the change may or may not be saved"};
  } catch (const pqxx::broken_connection& e) {
    logger.Warn("database_connection_broken", {{"message", e.what()}});
    return {grpc::StatusCode::UNAVAILABLE, "the database is not available"};
  } catch (const pqxx::statement_completion_unknown& e) {
    logger.Error("statement_completion_unknown", {{"message", e.what()}});
    return {grpc::StatusCode::UNKNOWN, "the outcome of the change is unknown"};
  } catch (const pqxx::transaction_rollback& e) {
    // libpqxx 6 reports serialization failures and deadlocks outside sql_error.
    logger.Info("transaction_conflict", {{"message", e.what()}});
    return {grpc::StatusCode::ABORTED, "concurrent change conflict; retry the call"};
  } catch (const pqxx::sql_error& e) {
    return FromSqlState(e, logger);
  } catch (const std::exception& e) {
    logger.Error("internal_error", {{"message", e.what()}});
    return {grpc::StatusCode::INTERNAL, "internal error"};
  } catch (...) {
    logger.Error("internal_error", {{"message", "non-standard exception"}});
    return {grpc::StatusCode::INTERNAL, "internal error"};
  }
}

}  // namespace photoflow::db
