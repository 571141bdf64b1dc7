#include "api/status_error.hpp"

#include <gtest/gtest.h>

#include "support/error_details.hpp"

namespace photoflow::api {
namespace {

template <typename Throw>
grpc::Status Thrown(Throw throw_it) {
  try {
    throw_it();
  } catch (const StatusError& error) {
    return error.status();
  }
  return grpc::Status::OK;
}

TEST(StatusErrorTest, InvalidArgumentNamesTheFieldAndPicksItsReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"filter", "INVALID_FILTER"},         {"order_by", "INVALID_ORDER_BY"},
      {"page_token", "INVALID_PAGE_TOKEN"}, {"page_size", "INVALID_PAGE_SIZE"},
      {"read_mask", "INVALID_FIELD_MASK"},  {"update_mask", "INVALID_FIELD_MASK"},
      {"request_id", "INVALID_REQUEST_ID"}, {"task.title", "INVALID_FIELD"},
      {"comment.text", "INVALID_FIELD"},    {"filterx", "INVALID_FIELD"},
  };
  for (const auto& [field, reason] : cases) {
    const grpc::Status status = Thrown([field = field] { ThrowInvalidArgument(field, "is bad"); });
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), std::string(field) + ": is bad");
    const testing::DecodedError details = testing::DecodeDetails(status);
    EXPECT_EQ(details.reason, reason) << field;
    EXPECT_EQ(details.domain, "photoflow.v1");
    ASSERT_EQ(details.violations.size(), 1U);
    EXPECT_EQ(details.violations[0], (std::pair<std::string, std::string>{field, "is bad"}));
  }
}

TEST(StatusErrorTest, NotFoundReasonFollowsTheResourceNotTheWording) {
  const grpc::Status task = Thrown([] { ThrowNotFound(Resource::kTask, 7); });
  EXPECT_EQ(task.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(task.error_message(), "task 7 not found");
  EXPECT_EQ(testing::DecodeDetails(task).reason, "TASK_NOT_FOUND");

  const grpc::Status comment =
      Thrown([] { ThrowNotFound(Resource::kComment, 9, "(created by this request_id)"); });
  EXPECT_EQ(comment.error_message(), "comment (created by this request_id) 9 not found");
  EXPECT_EQ(testing::DecodeDetails(comment).reason, "COMMENT_NOT_FOUND");
}

TEST(StatusErrorTest, StaleEtagIsAborted) {
  const grpc::Status status = Thrown([] { ThrowStaleEtag("task.etag"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(testing::DecodeDetails(status).reason, "STALE_ETAG");
  EXPECT_NE(status.error_message().find("task.etag"), std::string::npos);
}

}  // namespace
}  // namespace photoflow::api
