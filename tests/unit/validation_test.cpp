#include "api/validation.hpp"

#include <gtest/gtest.h>

#include "api/mapping.hpp"
#include "api/status_error.hpp"

namespace photoflow::api {
namespace {

grpc::Status CheckTextStatus(std::string_view value, Presence presence, size_t max_chars) {
  try {
    CheckText("task.title", value, presence, max_chars);
    return grpc::Status::OK;
  } catch (const StatusError& error) {
    return error.status();
  }
}

grpc::Status CheckLinesStatus(std::string_view value, Lines lines) {
  try {
    CheckText("task.additional_information", value, Presence::kRequired, 100, lines);
    return grpc::Status::OK;
  } catch (const StatusError& error) {
    return error.status();
  }
}

TEST(ValidationTest, RequiredTextMustNotBeBlank) {
  for (const char* blank : {" ", "   ", "\t", " \xC2\xA0 ", "\xE3\x80\x80"}) {
    const grpc::Status status = CheckLinesStatus(blank, Lines::kMany);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << blank;
    EXPECT_NE(status.error_message().find("blank"), std::string::npos) << status.error_message();
  }
  EXPECT_TRUE(CheckLinesStatus(" a ", Lines::kOne).ok());
  // Optional text may be spaces.
  EXPECT_NO_THROW(CheckText("task.task_column", "  ", Presence::kOptional, 10));
}

TEST(ValidationTest, OneLineTextHasNoControlCharactersNotesMayBreakLines) {
  EXPECT_TRUE(CheckLinesStatus("two\nlines\twith a tab\r\n", Lines::kMany).ok());
  for (const char* bad : {"a\nb", "a\tb", "a\x1b[31mb", "a\x7f"}) {
    EXPECT_EQ(CheckLinesStatus(bad, Lines::kOne).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
  }
  for (const char* bad : {"a\x1b[31mb", "a\x07", "a\x7f"}) {
    EXPECT_EQ(CheckLinesStatus(bad, Lines::kMany).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
  }
}

TEST(ValidationTest, TextRulesNameTheField) {
  EXPECT_TRUE(CheckTextStatus("ok", Presence::kRequired, 500).ok());
  EXPECT_TRUE(CheckTextStatus("", Presence::kOptional, 500).ok());
  EXPECT_TRUE(CheckTextStatus(std::string(500, 'a'), Presence::kRequired, 500).ok());
  EXPECT_TRUE(CheckTextStatus(std::string(500 / 2, 'a') + "ü", Presence::kRequired, 251).ok());

  for (const auto& [value, presence] : std::vector<std::pair<std::string, Presence>>{
           {"", Presence::kRequired},
           {std::string(501, 'a'), Presence::kRequired},
           {"bad\xff", Presence::kOptional},
           {std::string("a\0b", 3), Presence::kOptional}}) {
    const grpc::Status status = CheckTextStatus(value, presence, 500);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("task.title:", 0), 0U) << status.error_message();
  }
}

TEST(ValidationTest, TimestampsMustBeSetAndInRange) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1773532800);
  EXPECT_NO_THROW(CheckTimestamp("task.due_at", true, timestamp));
  EXPECT_THROW(CheckTimestamp("task.due_at", false, timestamp), StatusError);
  timestamp.set_nanos(-1);
  EXPECT_THROW(CheckTimestamp("task.due_at", true, timestamp), StatusError);
  timestamp.set_nanos(0);
  timestamp.set_seconds(253402300800);
  EXPECT_THROW(CheckTimestamp("task.due_at", true, timestamp), StatusError);
}

TEST(ValidationTest, IdsMustBePositive) {
  EXPECT_NO_THROW(CheckId("id", 1));
  EXPECT_THROW(CheckId("id", 0), StatusError);
  EXPECT_THROW(CheckId("id", -5), StatusError);
}

TEST(MappingTest, MillisecondsRoundTripIncludingBeforeTheEpoch) {
  for (int64_t millis : {int64_t{0}, int64_t{1773532800123}, int64_t{-1}, int64_t{-1500}}) {
    EXPECT_EQ(ToEpochMillis(FromEpochMillis(millis)), millis) << millis;
  }
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(10);
  timestamp.set_nanos(999'999'999);
  EXPECT_EQ(ToEpochMillis(timestamp), 10999);  // sub-millisecond part truncated
  EXPECT_EQ(FromEpochMillis(-1500).seconds(), -2);
  EXPECT_EQ(FromEpochMillis(-1500).nanos(), 500'000'000);
}

}  // namespace
}  // namespace photoflow::api
