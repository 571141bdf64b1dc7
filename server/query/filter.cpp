#include "query/filter.hpp"

#include <charconv>
#include <cstdint>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>

#include "model/field_sql.hpp"
#include "model/quoting.hpp"
#include "query/task_fields.hpp"

namespace photoflow::query {
namespace {

enum class TokenKind { kIdentifier, kString, kNumber, kOperator, kOpenParen, kCloseParen, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier, operator, number, or the unescaped string
  size_t position = 0;
};

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A character for an error message: quoted if printable ASCII, else as \xNN
// (a lone byte of a multi-byte character would make the message invalid UTF-8).
std::string Describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0x0F];
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.position = i;
    if (c == '(' || c == ')') {
      token.kind = c == '(' ? TokenKind::kOpenParen : TokenKind::kCloseParen;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '"') {
      token.kind = TokenKind::kString;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          token.text.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          token.text.push_back(text[i++]);
        }
      }
      if (!closed) throw FilterError("unterminated string", token.position);
    } else if (IsDigit(c) || (c == '-' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      token.kind = TokenKind::kNumber;
      token.text.push_back(text[i++]);
      while (i < text.size() && IsDigit(text[i])) token.text.push_back(text[i++]);
    } else if (IsIdentifierStart(c)) {
      token.kind = TokenKind::kIdentifier;
      while (i < text.size() && IsIdentifierPart(text[i])) token.text.push_back(text[i++]);
    } else if (c == '=' || c == ':') {
      token.kind = TokenKind::kOperator;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '!' || c == '<' || c == '>') {
      token.kind = TokenKind::kOperator;
      token.text = std::string(1, c);
      ++i;
      if (i < text.size() && text[i] == '=') {
        token.text.push_back('=');
        ++i;
      } else if (c == '!') {
        throw FilterError("'!' must be followed by '='", token.position);
      }
    } else {
      throw FilterError("unexpected character " + Describe(c), i);
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back({TokenKind::kEnd, "", text.size()});
  return tokens;
}

// The parsed filter: an AST whose leaves are comparisons of a known field
// with a literal. Building it checks the grammar and the field names;
// compiling it checks types and produces SQL.
struct FilterNode {
  enum class Kind { kAnd, kOr, kNot, kComparison };
  Kind kind = Kind::kComparison;
  std::vector<std::unique_ptr<FilterNode>> children;  // kAnd, kOr: 2; kNot: 1
  const FieldSpec* field = nullptr;                   // kComparison
  Token op;
  Token value;
};

// Recursive descent over the tokens:
//   filter     := conjunction
//   conjunction:= disjunction ("AND" disjunction)*
//   disjunction:= unary ("OR" unary)*        (AIP-160: OR binds tighter)
//   unary      := "NOT" unary | primary
//   primary    := "(" conjunction ")" | field operator value
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::unique_ptr<FilterNode> Parse() {
    std::unique_ptr<FilterNode> root = Conjunction(0);
    if (Peek().kind != TokenKind::kEnd) {
      throw FilterError("unexpected " + model::QuoteInput(Peek().text), Peek().position);
    }
    return root;
  }

 private:
  const Token& Peek() const { return tokens_[index_]; }
  // Never moves past the end token, however malformed the input.
  const Token& Take() {
    const Token& token = tokens_[index_];
    if (token.kind != TokenKind::kEnd) ++index_;
    return token;
  }
  bool IsKeyword(std::string_view word) const {
    return Peek().kind == TokenKind::kIdentifier && Peek().text == word;
  }

  static std::unique_ptr<FilterNode> Combine(FilterNode::Kind kind,
                                             std::unique_ptr<FilterNode> left,
                                             std::unique_ptr<FilterNode> right) {
    auto node = std::make_unique<FilterNode>();
    node->kind = kind;
    node->children.push_back(std::move(left));
    if (right) node->children.push_back(std::move(right));
    return node;
  }

  std::unique_ptr<FilterNode> Conjunction(int depth) {
    std::unique_ptr<FilterNode> node = Disjunction(depth);
    while (IsKeyword("AND")) {
      Take();
      node = Combine(FilterNode::Kind::kAnd, std::move(node), Disjunction(depth));
    }
    return node;
  }

  std::unique_ptr<FilterNode> Disjunction(int depth) {
    std::unique_ptr<FilterNode> node = Unary(depth);
    while (IsKeyword("OR")) {
      Take();
      node = Combine(FilterNode::Kind::kOr, std::move(node), Unary(depth));
    }
    return node;
  }

  std::unique_ptr<FilterNode> Unary(int depth) {
    if (depth > kMaxFilterDepth) {
      throw FilterError("nested more than " + std::to_string(kMaxFilterDepth) + " levels deep",
                        Peek().position);
    }
    if (IsKeyword("NOT")) {
      Take();
      return Combine(FilterNode::Kind::kNot, Unary(depth + 1), nullptr);
    }
    if (Peek().kind == TokenKind::kOpenParen) {
      const size_t open = Take().position;
      std::unique_ptr<FilterNode> node = Conjunction(depth + 1);
      if (Peek().kind != TokenKind::kCloseParen) throw FilterError("missing ')'", open);
      Take();
      return node;
    }
    return Comparison();
  }

  std::unique_ptr<FilterNode> Comparison() {
    const Token& name = Take();
    if (name.kind != TokenKind::kIdentifier || name.text == "AND" || name.text == "OR") {
      throw FilterError(name.kind == TokenKind::kEnd
                            ? "expected a comparison, found the end"
                            : "expected a field name, found " + model::QuoteInput(name.text),
                        name.position);
    }
    auto node = std::make_unique<FilterNode>();
    node->field = FindFilterableTaskField(name.text);
    if (node->field == nullptr) {
      throw FilterError("unknown field " + model::QuoteInput(name.text) +
                            " (filterable: " + FilterableTaskFieldNames() + ")",
                        name.position);
    }
    if (++comparisons_ > kMaxFilterComparisons) {
      throw FilterError("more than " + std::to_string(kMaxFilterComparisons) + " comparisons",
                        name.position);
    }
    node->op = Take();
    if (node->op.kind != TokenKind::kOperator) {
      throw FilterError(
          "expected an operator (= != < <= > >= :) after " + model::QuoteInput(name.text),
          node->op.position);
    }
    node->value = Take();
    return node;
  }

  std::vector<Token> tokens_;
  size_t index_ = 0;
  int comparisons_ = 0;
};

// Turns the AST into SQL; every literal becomes a typed bound parameter.
class Compiler {
 public:
  explicit Compiler(int first_parameter) : next_parameter_(first_parameter) {}

  SqlCondition Compile(const FilterNode& root) {
    SqlCondition condition;
    condition.sql = Sql(root);
    condition.parameters = std::move(parameters_);
    return condition;
  }

 private:
  std::string Sql(const FilterNode& node) {
    switch (node.kind) {
      case FilterNode::Kind::kAnd:
      case FilterNode::Kind::kOr: {
        // Left before right: parameters are numbered in the filter's reading order.
        const std::string left = Sql(*node.children[0]);
        const std::string right = Sql(*node.children[1]);
        return "(" + left + (node.kind == FilterNode::Kind::kAnd ? " AND " : " OR ") + right + ")";
      }
      case FilterNode::Kind::kNot:
        return "(NOT " + Sql(*node.children[0]) + ")";
      case FilterNode::Kind::kComparison:
        return Comparison(*node.field, node.op, node.value);
    }
    return "FALSE";
  }

  std::string Comparison(const FieldSpec& field, const Token& op, const Token& value) {
    const std::string column(field.column);
    if (op.text == ":") {
      if (field.type != FieldType::kText) {
        throw FilterError(
            "':' (contains) applies to text fields only, not '" + std::string(field.name) + "'",
            op.position);
      }
      ExpectKind(value, TokenKind::kString, "a double-quoted string");
      return column + " ILIKE " + AddParameter("%" + EscapeLike(value.text) + "%") + " ESCAPE '\\'";
    }
    const std::string sql_operator = op.text == "!=" ? "<>" : op.text;
    switch (field.type) {
      case FieldType::kInteger: {
        ExpectKind(value, TokenKind::kNumber, "a whole number");
        int32_t number = 0;
        const auto [end, error] =
            std::from_chars(value.text.data(), value.text.data() + value.text.size(), number);
        if (error != std::errc() || end != value.text.data() + value.text.size()) {
          throw FilterError(model::QuoteInput(value.text) + " is out of range", value.position);
        }
        return column + " " + sql_operator + " " + AddTypedParameter(field, value.text);
      }
      case FieldType::kBoolean: {
        if (op.text != "=" && op.text != "!=") {
          throw FilterError("'" + std::string(field.name) + "' can only be compared with = or !=",
                            op.position);
        }
        if (value.kind != TokenKind::kIdentifier ||
            (value.text != "true" && value.text != "false")) {
          throw FilterError("expected true or false", value.position);
        }
        return column + " " + sql_operator + " " + AddTypedParameter(field, value.text);
      }
      case FieldType::kTimestamp: {
        ExpectKind(value, TokenKind::kString, "an RFC 3339 timestamp in double quotes");
        int64_t millis = 0;
        try {
          millis = ParseRfc3339Millis(value.text);
        } catch (const std::invalid_argument&) {
          throw FilterError(model::QuoteInput(value.text) +
                                " is not an RFC 3339 timestamp like \"2026-04-01T00:00:00Z\"",
                            value.position);
        }
        return column + " " + sql_operator + " " + AddTypedParameter(field, std::to_string(millis));
      }
      case FieldType::kText:
        ExpectKind(value, TokenKind::kString, "a double-quoted string");
        return column + " " + sql_operator + " " + AddTypedParameter(field, value.text);
      case FieldType::kRelation:
        break;  // never filterable
    }
    throw FilterError("unsupported field", op.position);
  }

  static void ExpectKind(const Token& token, TokenKind kind, const std::string& what) {
    if (token.kind != kind) {
      throw FilterError(
          "expected " + what +
              (token.kind == TokenKind::kEnd ? ", found the end"
                                             : ", found " + model::QuoteInput(token.text)),
          token.position);
    }
  }

  static std::string EscapeLike(const std::string& text) {
    std::string escaped;
    for (const char c : text) {
      if (c == '%' || c == '_' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    return escaped;
  }

  std::string AddParameter(std::string value) {
    parameters_.push_back(std::move(value));
    return "$" + std::to_string(next_parameter_++);
  }

  std::string AddTypedParameter(const FieldSpec& field, std::string value) {
    parameters_.push_back(std::move(value));
    return model::ParameterSql(field.type, next_parameter_++);
  }

  int next_parameter_;
  std::vector<std::string> parameters_;
};

int ParseDigits(std::string_view text, size_t offset, size_t count) {
  int value = 0;
  for (size_t i = offset; i < offset + count; ++i) {
    if (i >= text.size() || !IsDigit(text[i])) throw std::invalid_argument("not a timestamp");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

FilterError::FilterError(const std::string& message, size_t position)
    : std::invalid_argument(message + " (at position " + std::to_string(position) + ")"),
      position_(position) {}

int64_t ParseRfc3339Millis(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    throw std::invalid_argument("not a timestamp");
  }
  std::tm utc{};
  utc.tm_year = ParseDigits(text, 0, 4) - 1900;
  utc.tm_mon = ParseDigits(text, 5, 2) - 1;
  utc.tm_mday = ParseDigits(text, 8, 2);
  utc.tm_hour = ParseDigits(text, 11, 2);
  utc.tm_min = ParseDigits(text, 14, 2);
  utc.tm_sec = ParseDigits(text, 17, 2);
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = utc.tm_year + 1900;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (utc.tm_mon < 0 || utc.tm_mon > 11 || utc.tm_mday < 1 ||
      utc.tm_mday > kDaysInMonth[utc.tm_mon] || (utc.tm_mon == 1 && !leap && utc.tm_mday > 28) ||
      utc.tm_hour > 23 || utc.tm_min > 59 || utc.tm_sec > 59) {
    throw std::invalid_argument("not a timestamp");
  }
  size_t i = 19;
  int64_t millis = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && IsDigit(text[i])) {
      if (digits < 3) {
        millis = millis * 10 + (text[i] - '0');
      } else if (text[i] != '0') {
        // Stored timestamps have millisecond precision; a finer bound would
        // silently compare as a different instant.
        throw std::invalid_argument("finer than a millisecond");
      }
      ++digits;
      ++i;
    }
    if (digits == 0) throw std::invalid_argument("not a timestamp");
    for (int pad = digits; pad < 3; ++pad) millis *= 10;
  }
  int64_t offset_seconds = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
    const int hours = ParseDigits(text, i + 1, 2);
    const int minutes = ParseDigits(text, i + 4, 2);
    if (hours > 23 || minutes > 59) throw std::invalid_argument("not a timestamp");
    offset_seconds = (text[i] == '+' ? 1 : -1) * (int64_t{hours} * 3600 + int64_t{minutes} * 60);
    i += 6;
  } else {
    throw std::invalid_argument("not a timestamp");
  }
  if (i != text.size()) throw std::invalid_argument("not a timestamp");
  const int64_t seconds = static_cast<int64_t>(timegm(&utc)) - offset_seconds;
  return seconds * 1000 + millis;
}

SqlCondition CompileTaskFilter(std::string_view filter, int first_parameter) {
  // The limit is in characters, as documented; the byte bound (4 bytes a
  // character at most) keeps the count itself cheap.
  if (filter.size() > 4 * kMaxFilterLength || model::CountChars(filter) > kMaxFilterLength) {
    throw FilterError("longer than " + std::to_string(kMaxFilterLength) + " characters",
                      kMaxFilterLength);
  }
  if (const size_t nul = filter.find('\0'); nul != std::string_view::npos) {
    throw FilterError("NUL characters are not allowed", nul);
  }
  bool blank = true;
  for (const char c : filter) blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
  if (blank) return {"TRUE", {}};
  const std::unique_ptr<FilterNode> ast = Parser(Tokenize(filter)).Parse();
  return Compiler(first_parameter).Compile(*ast);
}

}  // namespace photoflow::query
