#include "store/request_ids.hpp"

#include <sstream>

#include <pqxx/result>

#include "model/field_sql.hpp"

namespace photoflow::store::request_ids {
namespace {

// Claims a free or expired key; returns a row only when this call claimed it.
constexpr db::Query kClaim{
    R"sql(INSERT INTO photoflow_request_ids (request_id, method, request_hash, resource_id)
VALUES ($1::uuid, $2, $3, 0)
ON CONFLICT (request_id, method) DO UPDATE
  SET request_hash = EXCLUDED.request_hash, resource_id = 0, resource_ids = NULL,
      created_at = now()
  WHERE photoflow_request_ids.created_at < now() - interval '24 hours'
RETURNING 1)sql",
    "request_id_claim"};

// Keys recorded before resource_ids existed hold their one id in resource_id.
constexpr db::Query kFind{R"sql(SELECT request_hash,
  array_to_string(coalesce(resource_ids, ARRAY[resource_id]), ',') FROM photoflow_request_ids
WHERE request_id = $1::uuid AND method = $2)sql",
                          "request_id_find"};

constexpr db::Query kRecordResources{R"sql(UPDATE photoflow_request_ids
SET resource_id = $3, resource_ids = $4::integer[] WHERE request_id = $1::uuid AND method = $2)sql",
                                     "request_id_record_resources"};

constexpr db::Query kDeleteExpired{
    R"sql(DELETE FROM photoflow_request_ids WHERE ctid IN (
  SELECT ctid FROM photoflow_request_ids WHERE created_at < now() - interval '24 hours'
  LIMIT $1 FOR UPDATE SKIP LOCKED))sql",
    "request_id_delete_expired"};

}  // namespace

Claim ClaimKey(db::Transaction& txn, const std::string& request_id, const std::string& method,
               const std::string& request_hash) {
  if (!txn.Exec(kClaim, request_id, method, request_hash).empty()) {
    return {.claimed = true, .resource_ids = {}, .request_hash = {}};
  }
  const pqxx::result first = txn.Exec(kFind, request_id, method);
  Claim claim{
      .claimed = false, .resource_ids = {}, .request_hash = first.at(0)[0].as<std::string>()};
  std::stringstream ids(first.at(0)[1].as<std::string>());
  for (std::string id; std::getline(ids, id, ',');) claim.resource_ids.push_back(std::stoi(id));
  return claim;
}

void RecordResources(db::Transaction& txn, const std::string& request_id, const std::string& method,
                     const std::vector<int32_t>& resource_ids) {
  std::vector<std::string> elements;
  elements.reserve(resource_ids.size());
  for (const int32_t id : resource_ids) elements.push_back(std::to_string(id));
  txn.Exec(kRecordResources, request_id, method, resource_ids.at(0), model::ArrayText(elements));
}

void DeleteExpired(db::Transaction& txn, int limit) { txn.Exec(kDeleteExpired, limit); }

}  // namespace photoflow::store::request_ids
