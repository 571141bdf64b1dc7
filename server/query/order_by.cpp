#include "query/order_by.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "model/field_sql.hpp"
#include "model/quoting.hpp"

namespace photoflow::query {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<SortKey> ParseTaskOrderBy(std::string_view order_by) {
  std::vector<SortKey> keys;
  std::vector<const FieldSpec*> listed;
  bool has_id = false;
  if (!Trim(order_by).empty()) {
    std::string_view rest = order_by;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view item = Trim(rest.substr(0, comma));
      const size_t space = item.find(' ');
      const std::string_view name = item.substr(0, space);
      const std::string_view direction =
          space == std::string_view::npos ? std::string_view() : Trim(item.substr(space));
      const FieldSpec* field = FindSortableTaskField(name);
      if (field == nullptr) {
        throw std::invalid_argument("unknown field " + model::QuoteInput(name) +
                                    " (sortable: " + SortableTaskFieldNames() + ")");
      }
      if (!direction.empty() && direction != "asc" && direction != "desc") {
        throw std::invalid_argument("direction after " + model::QuoteInput(name) +
                                    " must be asc or desc, got " + model::QuoteInput(direction));
      }
      // Checked over the whole list: a field repeated after id changes
      // nothing, but it is still a mistake in the request.
      if (std::find(listed.begin(), listed.end(), field) != listed.end()) {
        throw std::invalid_argument(model::QuoteInput(name) + " is listed twice");
      }
      listed.push_back(field);
      if (!has_id) keys.push_back({field, direction == "desc"});  // keys after id change nothing
      has_id = has_id || field->name == "id";
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  // The implicit tie-breaker sorts like the last key, so that a one-direction
  // order ("due_at desc") stays one-direction and its keyset condition can use
  // an index range.
  if (!has_id)
    keys.push_back({FindSortableTaskField("id"), !keys.empty() && keys.back().descending});
  return keys;
}

std::string CanonicalOrderBy(const std::vector<SortKey>& keys) {
  std::string canonical;
  for (const SortKey& key : keys) {
    if (!canonical.empty()) canonical += ',';
    canonical += std::string(key.field->name) + (key.descending ? " desc" : " asc");
  }
  return canonical;
}

std::string OrderBySql(const std::vector<SortKey>& keys) {
  std::string sql;
  for (const SortKey& key : keys) {
    if (!sql.empty()) sql += ", ";
    sql += std::string(key.field->column) + (key.descending ? " DESC" : " ASC");
  }
  return sql;
}

bool IsValidKeyValue(FieldType type, const std::string& value) {
  auto parses_as = [&value](auto number) {
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    return error == std::errc() && end == value.data() + value.size();
  };
  switch (type) {
    case FieldType::kInteger:
      return parses_as(int32_t{0});
    case FieldType::kTimestamp: {
      // 0001-01-01 to 9999-12-31, the range the API accepts.
      int64_t millis = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), millis);
      return error == std::errc() && end == value.data() + value.size() &&
             millis >= -62135596800000 && millis <= 253402300799999;
    }
    case FieldType::kBoolean:
      return value == "true" || value == "false";
    case FieldType::kText:
      return value.find('\0') == std::string::npos;  // PostgreSQL text cannot hold NUL
    case FieldType::kRelation:
      return false;  // never sortable
  }
  return false;
}

SqlCondition AfterKeyCondition(const std::vector<SortKey>& keys,
                               const std::vector<std::string>& last, int first_parameter) {
  SqlCondition condition;
  condition.parameters = last;
  std::vector<std::string> values;
  for (size_t i = 0; i < keys.size(); ++i) {
    values.push_back(
        model::ParameterSql(keys[i].field->type, first_parameter + static_cast<int>(i)));
  }
  const bool uniform = std::all_of(keys.begin(), keys.end(), [&keys](const SortKey& key) {
    return key.descending == keys.front().descending;
  });
  if (uniform) {
    std::string columns;
    std::string parameters;
    for (size_t i = 0; i < keys.size(); ++i) {
      columns += (i == 0 ? "" : ", ") + std::string(keys[i].field->column);
      parameters += (i == 0 ? "" : ", ") + values[i];
    }
    condition.sql =
        "(" + columns + ") " + (keys.front().descending ? "<" : ">") + " (" + parameters + ")";
    return condition;
  }
  // k1 not before v1 AND ((k1 after v1) OR (k1 = v1 AND k2 after v2) OR ...):
  // the redundant leading bound lets an index on k1 start at the cursor.
  std::string sql;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string term;
    for (size_t j = 0; j < i; ++j)
      term += std::string(keys[j].field->column) + " = " + values[j] + " AND ";
    term += std::string(keys[i].field->column) + (keys[i].descending ? " < " : " > ") + values[i];
    sql += (i == 0 ? "(" : " OR (") + term + ")";
  }
  condition.sql = "(" + std::string(keys.front().field->column) +
                  (keys.front().descending ? " <= " : " >= ") + values.front() + " AND (" + sql +
                  "))";
  return condition;
}

}  // namespace photoflow::query
