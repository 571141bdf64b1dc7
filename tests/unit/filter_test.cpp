#include "query/filter.hpp"

#include <gtest/gtest.h>

#include "model/quoting.hpp"

#include "query/order_by.hpp"

namespace photoflow::query {
namespace {

TEST(FilterTest, EmptyFilterMatchesEverything) {
  EXPECT_EQ(CompileTaskFilter("", 1).sql, "TRUE");
  EXPECT_EQ(CompileTaskFilter("   ", 1).sql, "TRUE");
}

TEST(FilterTest, ComparisonsAreTypedAndParameterised) {
  const SqlCondition id = CompileTaskFilter("id >= 42", 3);
  EXPECT_EQ(id.sql, "id >= $3::integer");
  EXPECT_EQ(id.parameters, std::vector<std::string>{"42"});

  const SqlCondition text = CompileTaskFilter(R"(task_column != "2")", 1);
  EXPECT_EQ(text.sql, "\"taskColumn\" <> $1::text");
  EXPECT_EQ(text.parameters, std::vector<std::string>{"2"});

  const SqlCondition boolean = CompileTaskFilter("is_finished = false", 1);
  EXPECT_EQ(boolean.sql, "is_finished = $1::boolean");
  EXPECT_EQ(boolean.parameters, std::vector<std::string>{"false"});

  const SqlCondition time = CompileTaskFilter(R"(due_at < "2026-04-01T00:00:00Z")", 1);
  EXPECT_EQ(time.sql, "\"dueAt\" < ('epoch'::timestamp + $1::bigint * interval '1 millisecond')");
  EXPECT_EQ(time.parameters, std::vector<std::string>{"1775001600000"});

  for (const char* op : {"=", "!=", "<", "<=", ">", ">="}) {
    EXPECT_NO_THROW(CompileTaskFilter(std::string("amount_of_comments ") + op + " 3", 1)) << op;
  }
}

TEST(FilterTest, ContainsIsCaseInsensitiveAndEscapesWildcards) {
  const SqlCondition contains = CompileTaskFilter(R"(title:"50%_off\\")", 1);
  EXPECT_EQ(contains.sql, "task ILIKE $1 ESCAPE '\\'");
  EXPECT_EQ(contains.parameters, std::vector<std::string>{"%50\\%\\_off\\\\%"});
}

TEST(FilterTest, QuotesInsideStringsNeverReachTheSql) {
  const SqlCondition condition = CompileTaskFilter(R"(title = "x'; DROP TABLE \"Tasks\"; --")", 1);
  EXPECT_EQ(condition.sql, "task = $1::text");
  EXPECT_EQ(condition.parameters, std::vector<std::string>{"x'; DROP TABLE \"Tasks\"; --"});
}

TEST(FilterTest, OrBindsTighterThanAndAsInAip160) {
  EXPECT_EQ(CompileTaskFilter("id = 1 AND id = 2 OR id = 3", 1).sql,
            "(id = $1::integer AND (id = $2::integer OR id = $3::integer))");
  EXPECT_EQ(CompileTaskFilter("(id = 1 AND id = 2) OR id = 3", 1).sql,
            "((id = $1::integer AND id = $2::integer) OR id = $3::integer)");
  EXPECT_EQ(CompileTaskFilter("NOT is_finished = true AND id > 1", 1).sql,
            "((NOT is_finished = $1::boolean) AND id > $2::integer)");
}

TEST(FilterTest, TimestampsAcceptOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339Millis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Millis("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseRfc3339Millis("1970-01-01T02:00:00+02:00"), 0);
  EXPECT_EQ(ParseRfc3339Millis("1969-12-31T23:00:00-01:00"), 0);
  EXPECT_EQ(ParseRfc3339Millis("2026-03-15T00:00:00.123000000Z"), 1773532800123);
  EXPECT_EQ(ParseRfc3339Millis("2024-02-29T00:00:00Z"), 1709164800000);
  for (const char* bad :
       {"2026-03-15", "2026-03-15T00:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-03-15T00:00:60Z", "2026-03-15T00:00:00.0005Z",
        "2026-03-15T00:00:00.Z", "2026-03-15T00:00:00+0200", "yesterday"}) {
    EXPECT_THROW(ParseRfc3339Millis(bad), std::invalid_argument) << bad;
  }
}

struct BadFilter {
  std::string filter;
  std::string message;
  size_t position;
};

TEST(FilterTest, ErrorsSayWhatAndWhere) {
  const std::vector<BadFilter> cases = {
      {"colour = \"red\"", "unknown field 'colour'", 0},
      {"id = 1 AND", "expected a comparison, found the end", 10},
      {"id =", "expected a whole number, found the end", 4},
      {"NOT", "expected a comparison, found the end", 3},
      {"id 1", "expected an operator", 3},
      {"id = \"one\"", "expected a whole number", 5},
      {"id = 99999999999", "out of range", 5},
      {"is_finished < true", "can only be compared with = or !=", 12},
      {"is_finished = yes", "expected true or false", 14},
      {"id : 1", "applies to text fields only", 3},
      {"title = \"open", "unterminated string", 8},
      {"(id = 1", "missing ')'", 0},
      {"id = 1)", "unexpected ')'", 6},
      {"id ! 1", "'!' must be followed by '='", 3},
      {"id = 1 & id = 2", "unexpected character '&'", 7},
      {"title = \xe2\x80\x9cx\xe2\x80\x9d", "unexpected character \\xe2", 8},
      {"due_at > \"tomorrow\"", "is not an RFC 3339 timestamp", 9},
      {"title = unquoted", "expected a double-quoted string", 8},
  };
  for (const BadFilter& bad : cases) {
    try {
      CompileTaskFilter(bad.filter, 1);
      ADD_FAILURE() << "accepted: " << bad.filter;
    } catch (const FilterError& error) {
      EXPECT_NE(std::string(error.what()).find(bad.message), std::string::npos)
          << bad.filter << " -> " << error.what();
      EXPECT_EQ(error.position(), bad.position) << bad.filter << " -> " << error.what();
    }
  }
}

TEST(FilterTest, NulCharactersAreRejectedNotTruncated) {
  try {
    CompileTaskFilter(std::string("title = \"a\0b\"", 13), 1);
    FAIL() << "accepted";
  } catch (const FilterError& error) {
    EXPECT_EQ(error.position(), 10U);
  }
}

TEST(FilterTest, SizeDepthAndComparisonCountAreLimited) {
  EXPECT_THROW(CompileTaskFilter(std::string(kMaxFilterLength + 1, ' '), 1), FilterError);
  // The limit counts characters: 2,000 of them in a multi-byte script pass.
  std::string wide = "title:\"";
  for (size_t i = wide.size(); i < kMaxFilterLength - 1; ++i) wide += "写";
  wide += "\"";
  ASSERT_EQ(model::CountChars(wide), kMaxFilterLength);
  EXPECT_NO_THROW(CompileTaskFilter(wide, 1));
  EXPECT_THROW(CompileTaskFilter(wide + " ", 1), FilterError);
  std::string deep = "id = 1";
  for (int i = 0; i < kMaxFilterDepth + 2; ++i) deep = std::string("(").append(deep).append(")");
  EXPECT_THROW(CompileTaskFilter(deep, 1), FilterError);
  try {
    CompileTaskFilter(std::string(1500, 'q') + " = 1", 1);
    FAIL();
  } catch (const FilterError& error) {
    EXPECT_LT(std::string(error.what()).size(), 400U) << "bounded quoting: " << error.what();
  }
  std::string many = "id = 0";
  for (int i = 1; i <= kMaxFilterComparisons; ++i) many += " OR id = " + std::to_string(i);
  EXPECT_THROW(CompileTaskFilter(many, 1), FilterError);
}

TEST(OrderByTest, ParsesDirectionsAndAppendsIdAsTieBreaker) {
  const std::vector<SortKey> keys = ParseTaskOrderBy("due_at desc, title");
  EXPECT_EQ(CanonicalOrderBy(keys), "due_at desc,title asc,id asc");
  EXPECT_EQ(OrderBySql(keys), "\"dueAt\" DESC, task ASC, id ASC");
  EXPECT_EQ(CanonicalOrderBy(ParseTaskOrderBy("")), "id asc");
  EXPECT_EQ(CanonicalOrderBy(ParseTaskOrderBy("due_at desc")), "due_at desc,id desc")
      << "the tie-breaker follows the last key's direction";
  EXPECT_EQ(CanonicalOrderBy(ParseTaskOrderBy("id desc, title")), "id desc")
      << "keys after the unique id cannot change the order";
}

TEST(OrderByTest, RejectsUnknownFieldsDirectionsAndRepeats) {
  EXPECT_THROW(ParseTaskOrderBy("colour"), std::invalid_argument);
  EXPECT_THROW(ParseTaskOrderBy("due_at sideways"), std::invalid_argument);
  EXPECT_THROW(ParseTaskOrderBy("due_at, due_at desc"), std::invalid_argument);
  EXPECT_THROW(ParseTaskOrderBy("due_at,"), std::invalid_argument);
  EXPECT_THROW(ParseTaskOrderBy("id, title, title"), std::invalid_argument)
      << "a repeat after id changes nothing, but is still a mistake";
}

TEST(OrderByTest, ErrorsQuoteTheInputBounded) {
  try {
    ParseTaskOrderBy(std::string(5000, 'x'));
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_LT(std::string(error.what()).size(), 300U) << error.what();
    EXPECT_NE(std::string(error.what()).find("(5000 bytes)"), std::string::npos) << error.what();
  }
}

TEST(OrderByTest, KeysetConditionUsesARowComparisonWhenDirectionsAgree) {
  const SqlCondition same = AfterKeyCondition(ParseTaskOrderBy("due_at"), {"1000", "7"}, 2);
  EXPECT_EQ(same.sql,
            "(\"dueAt\", id) > (('epoch'::timestamp + $2::bigint * interval '1 millisecond'), "
            "$3::integer)");
  EXPECT_EQ(same.parameters, (std::vector<std::string>{"1000", "7"}));

  const SqlCondition mixed = AfterKeyCondition(ParseTaskOrderBy("title desc, id"), {"b", "7"}, 1);
  EXPECT_EQ(mixed.sql,
            "(task <= $1::text AND ((task < $1::text) OR (task = $1::text AND id > $2::integer)))");
}

TEST(OrderByTest, TokenValuesAreCheckedByType) {
  EXPECT_TRUE(IsValidKeyValue(FieldType::kInteger, "42"));
  EXPECT_FALSE(IsValidKeyValue(FieldType::kInteger, "4x"));
  EXPECT_TRUE(IsValidKeyValue(FieldType::kTimestamp, "-1500"));
  EXPECT_FALSE(IsValidKeyValue(FieldType::kBoolean, "maybe"));
  EXPECT_TRUE(IsValidKeyValue(FieldType::kText, "anything"));
  EXPECT_FALSE(IsValidKeyValue(FieldType::kText, std::string("a\0b", 3)));
}

}  // namespace
}  // namespace photoflow::query
