#pragma once

#include <array>
#include <string>
#include <string_view>

#include <google/protobuf/field_mask.pb.h>

#include "api/status_error.hpp"
#include "model/field.hpp"
#include "model/quoting.hpp"

// read_mask and update_mask over a field registry (model/). Invalid paths
// throw StatusError(INVALID_ARGUMENT) naming the mask.
namespace photoflow::api {

// The fields a read returns.
struct ReadMask {
  model::FieldSet fields = 0;   // what the response carries
  model::FieldSet columns = 0;  // what to select: `fields` with a column, and always the id
};

// An empty mask: every field but relations (AIP-157 "all but expensive").
template <size_t N>
ReadMask ParseReadMask(const std::array<model::FieldSpec, N>& registry,
                       const google::protobuf::FieldMask& mask, std::string_view mask_name,
                       model::FieldIndex id) {
  ReadMask parsed;
  if (mask.paths_size() == 0) {
    parsed.fields = model::StoredFields(registry);
  }
  for (const std::string& path : mask.paths()) {
    const model::FieldIndex index = model::FindField(registry, path);
    if (index == N) ThrowInvalidArgument(mask_name, "unknown field " + model::QuoteInput(path));
    parsed.fields |= model::Bit(index);
  }
  parsed.columns = (parsed.fields | model::Bit(id)) & model::StoredFields(registry);
  return parsed;
}

// The fields an update writes. Empty mask or "*": every updatable field.
// Output-only and immutable paths are ignored; others are INVALID_ARGUMENT.
template <size_t N>
model::FieldSet ParseUpdateMask(const std::array<model::FieldSpec, N>& registry,
                                const google::protobuf::FieldMask& mask) {
  model::FieldSet updatable = 0;
  for (size_t i = 0; i < N; ++i) {
    if (registry[i].Updatable()) updatable |= model::Bit(i);
  }
  if (mask.paths_size() == 0) return updatable;
  model::FieldSet fields = 0;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      fields = updatable;
      continue;
    }
    const model::FieldIndex index = model::FindField(registry, path);
    if (index < N && registry[index].Updatable()) {
      fields |= model::Bit(index);
    } else if (index == N || !(registry[index].Has(model::kOutputOnly) ||
                               registry[index].Has(model::kImmutable))) {
      ThrowInvalidArgument("update_mask", "unknown or immutable field " + model::QuoteInput(path));
    }
  }
  return fields;
}

}  // namespace photoflow::api
