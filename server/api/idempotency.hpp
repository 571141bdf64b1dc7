#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "api/status_error.hpp"
#include "db/transaction.hpp"
#include "model/field.hpp"
#include "store/request_ids.hpp"

// request_id handling of the create methods (AIP-155): a repeated create with
// the same request_id returns what the first one created and creates nothing.
namespace photoflow::api {

// Empty, or a UUID such as "9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11"; otherwise
// INVALID_ARGUMENT naming request_id.
void CheckRequestId(std::string_view request_id);

// A stable fingerprint of `payload`, to tell a retry from a different request
// that reuses the key.
std::string RequestFingerprint(const google::protobuf::Message& payload);

// The ids of what a create made, in order: one record's, or a batch's.
template <typename Record>
int32_t CreatedId(const Record& record) {
  constexpr model::FieldIndex kId = model::IndexOf(Record::kSpecs, "id");
  return record.int32(kId);
}
template <typename Record>
std::vector<int32_t> CreatedIds(const Record& record) {
  return {CreatedId(record)};
}
template <typename Record>
std::vector<int32_t> CreatedIds(const std::vector<Record>& records) {
  std::vector<int32_t> ids;
  ids.reserve(records.size());
  for (const Record& record : records) ids.push_back(CreatedId(record));
  return ids;
}

// Runs `create()` (a record, or a vector of them for a batch) once per
// (request_id, method): a repeat returns `find_existing(ids)` of what the
// first one created instead. Must run inside the write transaction that
// creates the resources, so the key and the resources commit (or roll back)
// together.
template <typename Create, typename FindExisting>
auto CreateOnce(db::Transaction& txn, const std::string& request_id, const std::string& method,
                const std::string& fingerprint, Create create, FindExisting find_existing)
    -> decltype(create()) {
  if (request_id.empty()) return create();
  const store::request_ids::Claim claim =
      store::request_ids::ClaimKey(txn, request_id, method, fingerprint);
  if (!claim.claimed) {
    if (claim.request_hash != fingerprint) {
      ThrowInvalidArgument("request_id", "was already used for a different request");
    }
    return find_existing(claim.resource_ids);
  }
  auto created = create();
  store::request_ids::RecordResources(txn, request_id, method, CreatedIds(created));
  store::request_ids::DeleteExpired(txn, /*limit=*/10);
  return created;
}

}  // namespace photoflow::api
