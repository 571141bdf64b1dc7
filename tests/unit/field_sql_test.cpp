// The SQL and parameter text of registry fields (model/field_sql.hpp).
#include "model/field_sql.hpp"

#include <gtest/gtest.h>

namespace photoflow::model {
namespace {

TEST(FieldSqlTest, ScalarParametersConvertToTheColumnType) {
  EXPECT_EQ(ParameterSql(FieldType::kInteger, 3), "$3::integer");
  EXPECT_EQ(ParameterSql(FieldType::kText, 1), "$1::text");
  EXPECT_EQ(ParameterSql(FieldType::kTimestamp, 2),
            "('epoch'::timestamp + $2::bigint * interval '1 millisecond')");
}

TEST(FieldSqlTest, ArrayParametersTravelAsArraysOfTheScalarWireType) {
  EXPECT_EQ(ArrayParameterSql(FieldType::kBoolean, 4), "$4::boolean[]");
  EXPECT_EQ(ArrayParameterSql(FieldType::kTimestamp, 1), "$1::bigint[]");
  EXPECT_EQ(ElementSql(FieldType::kTimestamp, "c1"),
            "('epoch'::timestamp + c1 * interval '1 millisecond')");
  EXPECT_EQ(ElementSql(FieldType::kText, "c2"), "c2");
}

TEST(FieldSqlTest, ArrayTextQuotesEveryElementAndEscapesQuotesAndBackslashes) {
  EXPECT_EQ(ArrayText({}), "{}");
  EXPECT_EQ(ArrayText({"1", "2"}), R"({"1","2"})");
  // NULL stays the text "NULL"; braces, commas and spaces stay inside quotes.
  EXPECT_EQ(ArrayText({"NULL", "{a, b}", R"(say "hi")", R"(back\slash)"}),
            R"({"NULL","{a, b}","say \"hi\"","back\\slash"})");
}

}  // namespace
}  // namespace photoflow::model
