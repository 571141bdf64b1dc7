#include "api/field_masks.hpp"

#include <gtest/gtest.h>

#include "model/comment_fields.hpp"
#include "model/task_fields.hpp"
#include "support/error_details.hpp"

namespace photoflow::api {
namespace {

using model::Bit;
using model::kCommentFields;
using model::kTaskFields;

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

constexpr model::FieldIndex Task(std::string_view name) {
  return model::FindField(kTaskFields, name);
}

// The status a mask parser throws, with the details a client decodes.
template <typename Parse>
testing::DecodedError Rejection(Parse parse) {
  try {
    parse();
  } catch (const StatusError& error) {
    EXPECT_EQ(error.status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return testing::DecodeDetails(error.status());
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(FieldMasksTest, AnEmptyReadMaskReadsEveryColumnButNoRelation) {
  const ReadMask mask = ParseReadMask(kTaskFields, Mask({}), "read_mask", model::kTaskId);
  EXPECT_EQ(mask.fields, model::kAllTaskFields & ~Bit(model::kTaskComments));
  EXPECT_EQ(mask.columns, mask.fields);
}

TEST(FieldMasksTest, AReadMaskSelectsItsFieldsAndAlwaysTheId) {
  const ReadMask mask =
      ParseReadMask(kTaskFields, Mask({"title", "comments"}), "read_mask", model::kTaskId);
  EXPECT_EQ(mask.fields, Bit(Task("title")) | Bit(model::kTaskComments));
  EXPECT_EQ(mask.columns, Bit(Task("title")) | Bit(model::kTaskId)) << "comments attach by id";
}

TEST(FieldMasksTest, UnknownReadMaskPathsNameTheMask) {
  for (const char* path : {"colour", "comments.text", "", "Title"}) {
    const testing::DecodedError error =
        Rejection([&] { ParseReadMask(kTaskFields, Mask({path}), "read_mask", model::kTaskId); });
    EXPECT_EQ(error.reason, "INVALID_FIELD_MASK") << path;
    ASSERT_EQ(error.violations.size(), 1U) << path;
    EXPECT_EQ(error.violations[0].first, "read_mask");
  }
}

TEST(FieldMasksTest, AnEmptyOrStarUpdateMaskWritesEveryUpdatableField) {
  const model::FieldSet everything = ParseUpdateMask(kTaskFields, Mask({}));
  EXPECT_EQ(everything, model::kWritableTaskFields);
  EXPECT_EQ(ParseUpdateMask(kTaskFields, Mask({"*"})), everything);
  EXPECT_EQ(ParseUpdateMask(kTaskFields, Mask({"title", "*"})), everything);
}

TEST(FieldMasksTest, UpdateMasksIgnoreOutputOnlyAndImmutableFields) {
  EXPECT_EQ(ParseUpdateMask(kTaskFields, Mask({"status", "etag", "id", "comments"})),
            Bit(Task("status")));
  EXPECT_EQ(ParseUpdateMask(kTaskFields, Mask({"etag"})), 0U) << "nothing to write";
  EXPECT_EQ(ParseUpdateMask(kCommentFields, Mask({"task_id", "text"})), Bit(model::kCommentText));
  EXPECT_EQ(ParseUpdateMask(kCommentFields, Mask({})), Bit(model::kCommentText))
      << "a comment's task_id is written by the create only";
}

TEST(FieldMasksTest, UnknownUpdatePathsAreRejectedEvenAfterAStar) {
  for (const auto& mask : {Mask({"colour"}), Mask({"*", "colour"}), Mask({"title.x"})}) {
    const testing::DecodedError error = Rejection([&] { ParseUpdateMask(kTaskFields, mask); });
    EXPECT_EQ(error.reason, "INVALID_FIELD_MASK");
    EXPECT_NE(error.message.find("unknown or immutable field"), std::string::npos) << error.message;
  }
}

}  // namespace
}  // namespace photoflow::api
