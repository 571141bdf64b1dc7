#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// What a registry row says about one field of a resource (Task, Comment): its
// API name, its column, its type and its rules. Everything else (column
// lists, masks, filter and order_by fields, proto mapping, validation, insert
// and update SQL) is derived from the registries, so a field is described in
// exactly one place. Plain data: no SQL, protobuf or gRPC dependency.
namespace photoflow::model {

enum class FieldType {
  kInteger,    // int32 in the API, INTEGER column
  kText,       // string in the API, TEXT column
  kBoolean,    // bool in the API, BOOLEAN column
  kTimestamp,  // google.protobuf.Timestamp; TIMESTAMP(3) column holding UTC
  kRelation,   // repeated message read from another table; no column
};

// What a field allows, as bits of FieldSpec::flags.
enum FieldFlag : uint32_t {
  kOutputOnly = 1U << 0,  // set by the server; ignored in requests and update masks
  kWritable = 1U << 1,    // a create writes it; an update may (update_mask)
  kImmutable = 1U << 2,   // with kWritable: written by the create only; ignored by updates
  kRequired = 1U << 3,    // a write must set it: non-blank text, a set timestamp
  kFilterable = 1U << 4,  // ListTasks `filter` may compare it
  kSortable = 1U << 5,    // ListTasks `order_by` may name it
  kMultiline = 1U << 6,   // text that may hold tabs and line breaks; other text is one line
};

struct FieldSpec {
  std::string_view name;    // the proto field's name, e.g. "due_at"
  std::string_view column;  // its SQL column expression, e.g. "\"dueAt\""; empty: none
  FieldType type = FieldType::kText;
  uint32_t flags = 0;
  size_t max_chars = 0;               // text: longest value accepted, in characters
  std::string_view empty_means = {};  // text: what a create stores for an empty value

  constexpr bool Has(FieldFlag flag) const { return (flags & flag) != 0; }
  constexpr bool stored() const { return !column.empty(); }
  // A field an update may change: writable after creation.
  constexpr bool Updatable() const { return Has(kWritable) && !Has(kImmutable); }
};

using FieldIndex = size_t;
// A set of fields of one registry: bit i is field i (registries have at most 64).
using FieldSet = uint64_t;

constexpr FieldSet Bit(FieldIndex index) { return FieldSet{1} << index; }

template <size_t N>
constexpr FieldSet AllFields(const std::array<FieldSpec, N>& /*fields*/) {
  static_assert(N <= 64, "a FieldSet holds at most 64 fields");
  return N == 64 ? ~FieldSet{0} : (FieldSet{1} << N) - 1;
}

// The fields of `fields` with `flag`, as a set.
template <size_t N>
constexpr FieldSet FieldsWith(const std::array<FieldSpec, N>& fields, FieldFlag flag) {
  FieldSet set = 0;
  for (size_t i = 0; i < N; ++i) {
    if (fields[i].Has(flag)) set |= Bit(i);
  }
  return set;
}

// The fields that have a column.
template <size_t N>
constexpr FieldSet StoredFields(const std::array<FieldSpec, N>& fields) {
  FieldSet set = 0;
  for (size_t i = 0; i < N; ++i) {
    if (fields[i].stored()) set |= Bit(i);
  }
  return set;
}

// The index of the field called `name`; a compile-time error when there is
// none (code that names a field is checked against the registry).
template <size_t N>
consteval FieldIndex IndexOf(const std::array<FieldSpec, N>& fields, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (fields[i].name == name) return i;
  }
  throw "no field of that name in the registry";
}

// The index of the field called `name`, or N when there is none (run time:
// names from requests).
template <size_t N>
constexpr FieldIndex FindField(const std::array<FieldSpec, N>& fields, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (fields[i].name == name) return i;
  }
  return N;
}

// One field's value in a row. The type decides which member holds it.
struct FieldValue {
  // kInteger; kBoolean as 0 or 1; kTimestamp as milliseconds since the Unix epoch, UTC.
  int64_t number = 0;
  std::string text;  // kText
};

// A row of the resource `kFields` describes: one value per field, by index.
// Which values are meaningful depends on what was read (a FieldSet).
template <const auto& kFields>
class Record {
 public:
  static constexpr const auto& kSpecs = kFields;
  static constexpr size_t kSize = kFields.size();

  FieldValue& operator[](FieldIndex index) { return values_[index]; }
  const FieldValue& operator[](FieldIndex index) const { return values_[index]; }

  int64_t number(FieldIndex index) const { return values_[index].number; }
  int32_t int32(FieldIndex index) const { return static_cast<int32_t>(values_[index].number); }
  bool boolean(FieldIndex index) const { return values_[index].number != 0; }
  const std::string& text(FieldIndex index) const { return values_[index].text; }

 private:
  std::array<FieldValue, kSize> values_{};
};

}  // namespace photoflow::model
