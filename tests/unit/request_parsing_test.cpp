// The services parse request bytes themselves: a valid message parses, a
// string field with invalid UTF-8 is named, anything else is malformed, and
// libprotobuf's complaint goes nowhere (the client hears it instead).
#include <gtest/gtest.h>

#include <sstream>

#include <google/protobuf/stubs/logging.h>

#include "api/protobuf_log.hpp"
#include "api/request_parsing.hpp"
#include "photoflow/v1/task_service.pb.h"
#include "support/error_details.hpp"
#include "support/wire.hpp"

namespace photoflow::api {
namespace {

grpc::ByteBuffer BufferOf(const std::string& bytes, std::size_t pieces = 1) {
  std::vector<grpc::Slice> slices;
  const std::size_t step = bytes.size() / pieces + 1;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    slices.emplace_back(bytes.substr(at, step));
  }
  return {slices.data(), slices.size()};
}

// A CreateTaskRequest whose task.title is `title` byte for byte: protobuf's
// own setters would not mind, but its serializer logs; the wire is built here.
std::string CreateRequestWithTitle(const std::string& title) {
  v1::Task task;
  task.set_status("New");
  const std::string task_bytes =
      task.SerializeAsString() + testing::LengthDelimited(*v1::Task::descriptor(), "title", title);
  return testing::LengthDelimited(*v1::CreateTaskRequest::descriptor(), "task", task_bytes);
}

TEST(RequestParsingTest, AValidRequestParses) {
  v1::CreateTaskRequest sent;
  sent.mutable_task()->set_title("Wedding – Müller");
  sent.set_request_id("8b7e7a3c-0f5f-4c1e-9a57-2f1f7d1b2c3d");
  v1::CreateTaskRequest parsed;
  const grpc::ByteBuffer bytes = BufferOf(sent.SerializeAsString(), 3);
  ASSERT_TRUE(ParseRequest(bytes, &parsed).ok());
  EXPECT_EQ(parsed.task().title(), "Wedding – Müller");
  EXPECT_EQ(parsed.request_id(), sent.request_id());
}

TEST(RequestParsingTest, InvalidUtf8InAStringFieldIsInvalidArgumentNamingTheField) {
  v1::CreateTaskRequest parsed;
  const grpc::Status status =
      ParseRequest(BufferOf(CreateRequestWithTitle("Wed\xff\xfe"), 2), &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "task.title: must be valid UTF-8");
  const testing::DecodedError details = testing::DecodeDetails(status);
  EXPECT_EQ(details.reason, "INVALID_FIELD");
  ASSERT_EQ(details.violations.size(), 1U);
  EXPECT_EQ(details.violations[0].first, "task.title");
}

TEST(RequestParsingTest, TheIndexOfARepeatedStringIsInThePath) {
  v1::GetTaskRequest request;
  request.set_id(7);
  request.mutable_read_mask()->add_paths("title");
  // A second path, "\xc3(" (a lead byte without its continuation), in a
  // second read_mask, which protobuf merges into the first.
  const std::string bytes =
      request.SerializeAsString() +
      testing::LengthDelimited(
          *v1::GetTaskRequest::descriptor(), "read_mask",
          testing::LengthDelimited(*google::protobuf::FieldMask::descriptor(), "paths", "\xc3("));
  EXPECT_EQ(FindInvalidUtf8Field(*v1::GetTaskRequest::descriptor(), bytes), "read_mask.paths[1]");
  v1::GetTaskRequest parsed;
  EXPECT_EQ(ParseRequest(BufferOf(bytes), &parsed).error_message(),
            "read_mask.paths[1]: must be valid UTF-8");
}

TEST(RequestParsingTest, BytesThatAreNoMessageAreMalformed) {
  for (const std::string& bytes : {std::string("\x0a\x05\x01", 3),  // length beyond the end
                                   std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
                                   std::string("\x0f", 1),     // wire type 7 does not exist
                                   std::string("\x00", 1)}) {  // field number 0
    v1::CreateTaskRequest parsed;
    const grpc::Status status = ParseRequest(BufferOf(bytes), &parsed);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "the request is not a valid photoflow.v1.CreateTaskRequest message");
    EXPECT_EQ(testing::DecodeDetails(status).reason, "MALFORMED_REQUEST");
  }
}

TEST(RequestParsingTest, AnEmptyRequestIsTheDefaultMessage) {
  v1::GetTaskRequest parsed;
  EXPECT_TRUE(ParseRequest(grpc::ByteBuffer(), &parsed).ok());
  EXPECT_EQ(parsed.id(), 0);
}

TEST(ProtobufLogTest, LibprotobufWarningsBecomeJsonLinesAndAClientsParseFailureNone) {
  std::ostringstream out;
  log::Logger logger(out, log::Level::kDebug);
  {
    const ProtobufLogRoute route(logger);
    GOOGLE_LOG(WARNING) << "from libprotobuf";
    v1::CreateTaskRequest parsed;
    EXPECT_FALSE(ParseRequest(BufferOf(CreateRequestWithTitle("\xff")), &parsed).ok());
  }
  const std::string lines = out.str();
  EXPECT_NE(lines.find("\"event\":\"protobuf\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("from libprotobuf"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("UTF-8"), std::string::npos) << lines;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 1) << lines;
}

}  // namespace
}  // namespace photoflow::api
