#pragma once

#include <array>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/row>

#include "model/field.hpp"
#include "model/field_sql.hpp"

// Statement text and row reading derived from a field registry (model/), for
// the stores of each resource.
namespace photoflow::store {

// "id, (extract(epoch FROM created_at) * 1000)::bigint, ...": the columns of
// the `fields` in `registry`, in registry order.
template <size_t N>
std::string SelectList(const std::array<model::FieldSpec, N>& registry, model::FieldSet fields) {
  std::string list;
  for (size_t i = 0; i < N; ++i) {
    if ((fields & model::Bit(i)) == 0 || !registry[i].stored()) continue;
    if (!list.empty()) list += ", ";
    list += model::SelectSql(registry[i]);
  }
  return list;
}

// Reads a row selected with SelectList(Record::kSpecs, fields); the fields
// not selected keep their defaults.
template <typename Record>
Record ReadRecord(const pqxx::row& row, model::FieldSet fields) {
  Record record;
  pqxx::row::size_type column = 0;
  for (size_t i = 0; i < Record::kSize; ++i) {
    const model::FieldSpec& spec = Record::kSpecs[i];
    if ((fields & model::Bit(i)) == 0 || !spec.stored()) continue;
    const pqxx::field value = row[column++];
    switch (spec.type) {
      case model::FieldType::kInteger:
      case model::FieldType::kTimestamp:
        record[i].number = value.as<int64_t>();
        break;
      case model::FieldType::kBoolean:
        record[i].number = value.as<bool>() ? 1 : 0;
        break;
      case model::FieldType::kText:
        record[i].text = value.as<std::string>();
        break;
      case model::FieldType::kRelation:
        break;
    }
  }
  return record;
}

template <typename Record>
std::vector<Record> ReadRecords(const pqxx::result& result, model::FieldSet fields) {
  std::vector<Record> records;
  records.reserve(result.size());
  for (const pqxx::row& row : result) records.push_back(ReadRecord<Record>(row, fields));
  return records;
}

}  // namespace photoflow::store
