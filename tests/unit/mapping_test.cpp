#include "api/mapping.hpp"

#include <gtest/gtest.h>

#include "api/status_error.hpp"
#include "api/validation.hpp"
#include "query/order_by.hpp"
#include "support/error_details.hpp"

namespace photoflow::api {
namespace {

using model::Bit;
using model::kTaskFields;

constexpr model::FieldIndex Task(std::string_view name) {
  return model::FindField(kTaskFields, name);
}

store::TaskRow SampleRow() {
  store::TaskRow row;
  row[Task("id")].number = 42;
  row[Task("created_at")].number = -1500;  // before the epoch: floor division
  row[Task("due_at")].number = 1'775'001'600'123;
  row[Task("title")].text = "Wedding, Smith";
  row[Task("additional_information")].text = "two cameras";
  row[Task("status")].text = "Scheduled";
  row[Task("is_finished")].number = 1;
  row[Task("task_column")].text = "3";
  row[Task("amount_of_comments")].number = 7;
  row[Task("etag")].text = "812";
  return row;
}

TEST(MappingTest, EveryColumnReachesTheMessage) {
  v1::Task task;
  ToProto(SampleRow(), model::kTaskColumns, &task);
  EXPECT_EQ(task.id(), 42);
  EXPECT_EQ(task.created_at().seconds(), -2);
  EXPECT_EQ(task.created_at().nanos(), 500'000'000);
  EXPECT_EQ(task.due_at().seconds(), 1'775'001'600);
  EXPECT_EQ(task.due_at().nanos(), 123'000'000);
  EXPECT_EQ(task.title(), "Wedding, Smith");
  EXPECT_EQ(task.additional_information(), "two cameras");
  EXPECT_EQ(task.status(), "Scheduled");
  EXPECT_TRUE(task.is_finished());
  EXPECT_EQ(task.task_column(), "3");
  EXPECT_EQ(task.amount_of_comments(), 7);
  EXPECT_EQ(task.etag(), "812");
}

TEST(MappingTest, OnlyTheMaskedFieldsAreSet) {
  v1::Task task;
  ToProto(SampleRow(), Bit(Task("title")) | Bit(Task("due_at")), &task);
  v1::Task expected;
  expected.set_title("Wedding, Smith");
  expected.mutable_due_at()->set_seconds(1'775'001'600);
  expected.mutable_due_at()->set_nanos(123'000'000);
  EXPECT_EQ(task.SerializeAsString(), expected.SerializeAsString()) << task.DebugString();
}

TEST(MappingTest, WritableFieldsRoundTripAndAnEmptyColumnMeansTheDefault) {
  v1::Task task;
  ToProto(SampleRow(), model::kTaskColumns, &task);
  task.clear_task_column();
  const store::TaskRow values = ToTaskValues(task, model::kWritableTaskFields);
  EXPECT_EQ(values[Task("due_at")].number, 1'775'001'600'123);
  EXPECT_EQ(values[Task("title")].text, "Wedding, Smith");
  EXPECT_EQ(values[Task("is_finished")].number, 1);
  EXPECT_EQ(values[Task("task_column")].text, "1");
  EXPECT_EQ(values[Task("id")].number, 0) << "output-only fields are not read";
  const store::TaskRow status_only = ToTaskValues(task, Bit(Task("status")));
  EXPECT_EQ(status_only[Task("task_column")].text, "") << "defaults apply to written fields only";
}

TEST(MappingTest, SortKeyValuesAreWhatPageTokensCarry) {
  const std::vector<query::SortKey> keys =
      query::ParseTaskOrderBy("due_at desc, is_finished, title, amount_of_comments");
  EXPECT_EQ(SortKeyValues(SampleRow(), keys),
            (std::vector<std::string>{"1775001600123", "true", "Wedding, Smith", "7", "42"}));
}

TEST(MappingTest, EpochMillisecondsTruncateTowardThePast) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(10);
  timestamp.set_nanos(999'999'999);
  EXPECT_EQ(ToEpochMillis(timestamp), 10'999);
  EXPECT_EQ(ToEpochMillis(FromEpochMillis(-1)), -1);
  EXPECT_EQ(FromEpochMillis(-1).nanos(), 999'000'000);
}

testing::DecodedError CheckTask(const v1::Task& task, model::FieldSet fields) {
  try {
    CheckFields(TaskBinding(), task, fields, "task.");
    return {};
  } catch (const StatusError& error) {
    return testing::DecodeDetails(error.status());
  }
}

TEST(MappingTest, RegistryRulesValidateEachWrittenField) {
  v1::Task task;
  ToProto(SampleRow(), model::kTaskColumns, &task);
  EXPECT_FALSE(CheckTask(task, model::kWritableTaskFields).parsed) << "a valid task";

  v1::Task untitled = task;
  untitled.clear_title();
  EXPECT_EQ(CheckTask(untitled, model::kWritableTaskFields).violations.at(0).first, "task.title");
  EXPECT_FALSE(CheckTask(untitled, Bit(Task("status"))).parsed) << "title is not written";

  v1::Task long_column = task;
  long_column.set_task_column(std::string(501, 'c'));
  EXPECT_EQ(CheckTask(long_column, model::kWritableTaskFields).violations.at(0).first,
            "task.task_column");

  v1::Task undated = task;
  undated.clear_due_at();
  EXPECT_EQ(CheckTask(undated, model::kWritableTaskFields).violations.at(0),
            (std::pair<std::string, std::string>{"task.due_at", "is required"}));

  v1::Comment comment;
  comment.set_text("ok");
  try {
    CheckFields(CommentBinding(), comment,
                model::FieldsWith(model::kCommentFields, model::kWritable), "comment.");
    ADD_FAILURE() << "a comment without a task";
  } catch (const StatusError& error) {
    EXPECT_EQ(testing::DecodeDetails(error.status()).violations.at(0).first, "comment.task_id");
  }
}

}  // namespace
}  // namespace photoflow::api
