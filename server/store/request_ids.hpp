#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/transaction.hpp"

// Every SQL statement on "photoflow_request_ids", the idempotency keys of the
// create methods (AIP-155).
namespace photoflow::store::request_ids {

struct Claim {
  bool claimed = false;               // true: this call owns the key and creates the resource
  std::vector<int32_t> resource_ids;  // when not claimed: what the first call created, in order
  std::string request_hash;           // when not claimed: the first call's request fingerprint
};

// Claims (request_id, method) for this transaction. A concurrent call with the
// same key waits here until the first one commits (then sees it as a
// duplicate) or rolls back (then claims the key itself). Keys older than 24
// hours are claimed anew.
Claim ClaimKey(db::Transaction& txn, const std::string& request_id, const std::string& method,
               const std::string& request_hash);

// Records what the claiming call created (one resource, or a batch's in
// request order).
void RecordResources(db::Transaction& txn, const std::string& request_id, const std::string& method,
                     const std::vector<int32_t>& resource_ids);

// Removes up to `limit` keys older than 24 hours, so the table stays small.
void DeleteExpired(db::Transaction& txn, int limit);

}  // namespace photoflow::store::request_ids
