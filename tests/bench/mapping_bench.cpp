// The registry's proto mapping (protobuf reflection, api/proto_binding.hpp)
// against what hand-written generated setters cost, per task. No database.
#include <benchmark/benchmark.h>

#include "api/mapping.hpp"

namespace photoflow {
namespace {

using model::FindField;
using model::kTaskFields;

store::TaskRow SampleRow() {
  store::TaskRow row;
  row[FindField(kTaskFields, "id")].number = 42;
  row[FindField(kTaskFields, "created_at")].number = 1'775'000'000'000;
  row[FindField(kTaskFields, "due_at")].number = 1'775'001'600'123;
  row[FindField(kTaskFields, "title")].text = "Wedding Photography - Smith Family";
  row[FindField(kTaskFields, "additional_information")].text = "Outdoor ceremony, 100 guests";
  row[FindField(kTaskFields, "status")].text = "Scheduled";
  row[FindField(kTaskFields, "task_column")].text = "1";
  row[FindField(kTaskFields, "amount_of_comments")].number = 3;
  row[FindField(kTaskFields, "etag")].text = "123456";
  return row;
}

void BM_TaskToProtoRegistry(benchmark::State& state) {
  const store::TaskRow row = SampleRow();
  for (auto _ : state) {
    v1::Task task;
    api::ToProto(row, model::kTaskColumns, &task);
    benchmark::DoNotOptimize(task);
  }
}
BENCHMARK(BM_TaskToProtoRegistry);

// The baseline: the per-field code the registry replaced.
void BM_TaskToProtoGeneratedSetters(benchmark::State& state) {
  const store::TaskRow row = SampleRow();
  auto at = [&row](std::string_view name) -> const model::FieldValue& {
    return row[FindField(kTaskFields, name)];
  };
  const model::FieldValue& id = at("id");
  const model::FieldValue& created_at = at("created_at");
  const model::FieldValue& due_at = at("due_at");
  const model::FieldValue& title = at("title");
  const model::FieldValue& information = at("additional_information");
  const model::FieldValue& status = at("status");
  const model::FieldValue& finished = at("is_finished");
  const model::FieldValue& column = at("task_column");
  const model::FieldValue& comments = at("amount_of_comments");
  const model::FieldValue& etag = at("etag");
  for (auto _ : state) {
    v1::Task task;
    task.set_id(static_cast<int32_t>(id.number));
    *task.mutable_created_at() = api::FromEpochMillis(created_at.number);
    *task.mutable_due_at() = api::FromEpochMillis(due_at.number);
    task.set_title(title.text);
    task.set_additional_information(information.text);
    task.set_status(status.text);
    task.set_is_finished(finished.number != 0);
    task.set_task_column(column.text);
    task.set_amount_of_comments(static_cast<int32_t>(comments.number));
    task.set_etag(etag.text);
    benchmark::DoNotOptimize(task);
  }
}
BENCHMARK(BM_TaskToProtoGeneratedSetters);

void BM_TaskFromProtoRegistry(benchmark::State& state) {
  v1::Task task;
  api::ToProto(SampleRow(), model::kTaskColumns, &task);
  for (auto _ : state) {
    benchmark::DoNotOptimize(api::ToTaskValues(task, model::kWritableTaskFields));
  }
}
BENCHMARK(BM_TaskFromProtoRegistry);

}  // namespace
}  // namespace photoflow
