#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "query/filter.hpp"
#include "query/task_fields.hpp"

namespace photoflow::query {

struct SortKey {
  const FieldSpec* field;  // a registry row flagged kSortable
  bool descending;
  // Its index in the registry (model::kTaskFields).
  model::FieldIndex index() const { return TaskFieldIndex(field); }
};

// Parses "due_at, id desc" (AIP-132). `id` is appended as the final
// tie-breaker unless already present (sorting in the direction of the last
// key), so the order is total and keyset pagination exact. Throws
// std::invalid_argument naming the problem.
std::vector<SortKey> ParseTaskOrderBy(std::string_view order_by);

// "due_at asc,id asc": the canonical spelling, for page-token scopes.
std::string CanonicalOrderBy(const std::vector<SortKey>& keys);

// The ORDER BY clause body, e.g. "\"dueAt\" ASC, id ASC".
std::string OrderBySql(const std::vector<SortKey>& keys);

// Whether `value` (from a page token) is a valid sort-key value of `type`.
bool IsValidKeyValue(FieldType type, const std::string& value);

// The condition "comes after the row whose sort-key values are `last`" in
// this order (keyset pagination): a row comparison when every key sorts the
// same way, which an index can serve, else the expanded form.
SqlCondition AfterKeyCondition(const std::vector<SortKey>& keys,
                               const std::vector<std::string>& last, int first_parameter);

}  // namespace photoflow::query
