// The field registries (model/) against the proto messages and their own rules.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "api/mapping.hpp"
#include "api/proto_binding.hpp"
#include "model/comment_fields.hpp"
#include "model/task_fields.hpp"
#include "photoflow/v1/comment.pb.h"
#include "photoflow/v1/task.pb.h"

namespace photoflow::model {
namespace {

template <size_t N>
void ExpectConsistent(const std::array<FieldSpec, N>& fields) {
  std::set<std::string_view> names;
  std::set<std::string_view> columns;
  for (const FieldSpec& field : fields) {
    SCOPED_TRACE(std::string(field.name));
    EXPECT_TRUE(names.insert(field.name).second) << "a name is listed twice";
    EXPECT_EQ(field.type == FieldType::kRelation, !field.stored())
        << "relations, and only they, have no column";
    if (field.stored()) {
      EXPECT_TRUE(columns.insert(field.column).second) << "a column twice";
    }
    EXPECT_NE(field.Has(kOutputOnly), field.Has(kWritable))
        << "a field is either written by clients or output only";
    if (field.Has(kImmutable)) {
      EXPECT_TRUE(field.Has(kWritable));
    }
    if (field.type == FieldType::kText && field.Has(kWritable)) {
      EXPECT_GT(field.max_chars, 0U) << "writable text needs a length limit";
    }
    if (!field.empty_means.empty()) {
      EXPECT_EQ(field.type, FieldType::kText);
      EXPECT_FALSE(field.Has(kRequired)) << "a required field is never empty";
    }
    if (field.Has(kFilterable) || field.Has(kSortable)) {
      EXPECT_TRUE(field.stored());
    }
  }
}

TEST(FieldRegistryTest, TaskAndCommentRegistriesFollowTheirRules) {
  ExpectConsistent(kTaskFields);
  ExpectConsistent(kCommentFields);
}

TEST(FieldRegistryTest, RegistriesMatchTheProtoMessagesBothWays) {
  EXPECT_NO_THROW(api::TaskBinding());
  EXPECT_NO_THROW(api::CommentBinding());
  EXPECT_EQ(kTaskFields.size(), static_cast<size_t>(v1::Task::descriptor()->field_count()));
  EXPECT_EQ(kCommentFields.size(), static_cast<size_t>(v1::Comment::descriptor()->field_count()));
}

TEST(FieldRegistryTest, AMismatchIsReportedWithEveryProblem) {
  const auto wrong = std::to_array<FieldSpec>({
      {"id", "id", FieldType::kText, kOutputOnly},  // int32 in the proto
      {"created_at", "created_at", FieldType::kTimestamp, kOutputOnly},
      {"task_id", "task_id", FieldType::kInteger, kWritable},
      {"colour", "colour", FieldType::kText, kWritable, 10},  // not in the proto
  });
  try {
    api::ResolveMessageFields(wrong, *v1::Comment::descriptor());
    FAIL() << "the mismatch went unnoticed";
  } catch (const std::logic_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'id' is kText"), std::string::npos) << message;
    EXPECT_NE(message.find("'colour' is not in photoflow.v1.Comment"), std::string::npos)
        << message;
    EXPECT_NE(message.find("photoflow.v1.Comment.text has no registry row"), std::string::npos)
        << message;
  }
}

TEST(FieldRegistryTest, LookupsAndDerivedSetsAgreeWithTheRows) {
  for (size_t i = 0; i < kTaskFields.size(); ++i) {
    SCOPED_TRACE(std::string(kTaskFields[i].name));
    EXPECT_EQ(FindField(kTaskFields, kTaskFields[i].name), i);
    EXPECT_EQ((kTaskColumns & Bit(i)) != 0, kTaskFields[i].type != FieldType::kRelation);
  }
  EXPECT_EQ(FindField(kTaskFields, "no_such_field"), kTaskFields.size());
  EXPECT_EQ(kTaskFields[kTaskEtag].name, "etag");
  EXPECT_EQ(kTaskFields[kTaskComments].type, FieldType::kRelation);
  EXPECT_EQ(kCommentFields[kCommentText].column, "comment");
  EXPECT_EQ(AllFields(kCommentFields), FieldSet{0b1111});
  EXPECT_EQ(FieldsWith(kCommentFields, kImmutable), Bit(kCommentTaskId));
}

}  // namespace
}  // namespace photoflow::model
