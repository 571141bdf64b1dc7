#include "model/quoting.hpp"

#include <cstdint>

namespace photoflow::model {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

}  // namespace

std::size_t Utf8SequenceLength(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  uint32_t code = 0;
  if (lead < 0x80U) return 1;
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if (!IsContinuation(next)) return 0;
    code = (code << 6U) | (next & 0x3FU);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinForLength[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

namespace {

void AppendEscaped(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4U];
  out += kHex[byte & 0x0FU];
}

}  // namespace

std::string QuoteInput(std::string_view input) {
  std::string quoted = "'";
  std::size_t chars = 0;
  std::size_t at = 0;
  while (at < input.size() && chars < kMaxQuotedChars) {
    const auto byte = static_cast<unsigned char>(input[at]);
    const std::size_t length = Utf8SequenceLength(input, at);
    const bool control = length == 1 && (byte < 0x20U || byte == 0x7FU);
    if (control || length == 0) {  // a control character, or a byte that is not UTF-8
      AppendEscaped(quoted, byte);
      at += 1;
    } else {
      quoted.append(input.substr(at, length));
      at += length;
    }
    ++chars;
  }
  quoted += "'";
  if (at < input.size()) quoted += "… (" + std::to_string(input.size()) + " bytes)";
  return quoted;
}

std::size_t Utf8Length(std::string_view text) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return SIZE_MAX;
    i += length;
  }
  return chars;
}

std::size_t CountChars(std::string_view text) {
  std::size_t chars = 0;
  for (const char c : text) chars += IsContinuation(static_cast<unsigned char>(c)) ? 0 : 1;
  return chars;
}

}  // namespace photoflow::model
