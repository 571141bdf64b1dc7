#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace photoflow::model {

// How much of a client's input an error message repeats.
constexpr std::size_t kMaxQuotedChars = 40;

// Client input inside an error message: single-quoted, at most
// kMaxQuotedChars characters (a longer input is cut, followed by "…" and its
// length in bytes), with control characters and bytes that are not UTF-8
// written as \xNN. The message then stays short (well inside gRPC's 8 KiB
// metadata limit whatever the client sent), on one line, and valid UTF-8.
std::string QuoteInput(std::string_view input);

// The length in bytes of the valid UTF-8 character at text[at], or 0 when
// none starts there (a stray byte, a truncated or overlong sequence, a
// surrogate, a value beyond U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at);

// Characters (code points) in valid UTF-8 `text`; SIZE_MAX when it is not
// valid UTF-8 (Utf8SequenceLength's rules).
std::size_t Utf8Length(std::string_view text);

// Characters (UTF-8 lead bytes and stray bytes) in `text`, without
// validating it.
std::size_t CountChars(std::string_view text);

}  // namespace photoflow::model
