#include "store/request_ids.hpp"

#include <pqxx/result>

#include "db/exec.hpp"

namespace photoflow::store::request_ids {

Claim ClaimKey(pqxx::transaction_base& txn, const std::string& request_id,
               const std::string& method, const std::string& request_hash) {
  const pqxx::result claimed = db::Exec(
      txn,
      "INSERT INTO photoflow_request_ids (request_id, method, request_hash, resource_id) "
      "VALUES ($1::uuid, $2, $3, 0) "
      "ON CONFLICT (request_id, method) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
      "resource_id = 0, created_at = now() "
      "WHERE photoflow_request_ids.created_at < now() - interval '24 hours' "
      "RETURNING 1",
      request_id, method, request_hash);
  if (!claimed.empty()) return {.claimed = true, .resource_id = 0, .request_hash = {}};
  const pqxx::result first = db::Exec(txn,
                                      "SELECT resource_id, request_hash FROM photoflow_request_ids "
                                      "WHERE request_id = $1::uuid AND method = $2",
                                      request_id, method);
  return {.claimed = false,
          .resource_id = first.at(0)[0].as<int32_t>(),
          .request_hash = first.at(0)[1].as<std::string>()};
}

void RecordResource(pqxx::transaction_base& txn, const std::string& request_id,
                    const std::string& method, int32_t resource_id) {
  db::Exec(
      txn,
      "UPDATE photoflow_request_ids SET resource_id = $3 WHERE request_id = $1::uuid AND method = "
      "$2",
      request_id, method, resource_id);
}

void DeleteExpired(pqxx::transaction_base& txn, int limit) {
  db::Exec(
      txn,
      "DELETE FROM photoflow_request_ids WHERE ctid IN (SELECT ctid FROM photoflow_request_ids "
      "WHERE created_at < now() - interval '24 hours' LIMIT $1 FOR UPDATE SKIP LOCKED)",
      limit);
}

}  // namespace photoflow::store::request_ids
