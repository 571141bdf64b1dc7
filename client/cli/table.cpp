#include "table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <numeric>

namespace photoflow::cli {
namespace {

constexpr std::size_t kGap = 2;
constexpr std::size_t kNarrowest = 8;

bool IsContinuationByte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U; }

// The code point starting at text[at] and its length in bytes; a malformed
// sequence counts as one byte of width 1.
std::pair<char32_t, std::size_t> DecodeAt(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 1;
  char32_t code = lead;
  if (lead >= 0xF0U) {
    length = 4;
    code = lead & 0x07U;
  } else if (lead >= 0xE0U) {
    length = 3;
    code = lead & 0x0FU;
  } else if (lead >= 0xC0U) {
    length = 2;
    code = lead & 0x1FU;
  }
  if (at + length > text.size()) return {lead, 1};
  for (std::size_t i = 1; i < length; ++i) {
    if (!IsContinuationByte(text[at + i])) return {lead, 1};
    code = (code << 6U) | (static_cast<unsigned char>(text[at + i]) & 0x3FU);
  }
  return {code, length};
}

// Terminal columns of one code point: 0 for combining marks, 2 for East
// Asian wide and fullwidth characters and emoji, else 1.
std::size_t CodePointWidth(char32_t code) {
  if ((code >= 0x0300 && code <= 0x036F) || (code >= 0x200B && code <= 0x200F) ||
      (code >= 0xFE00 && code <= 0xFE0F)) {
    return 0;
  }
  const bool wide = (code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0x303E) ||
                    (code >= 0x3041 && code <= 0x33FF) || (code >= 0x3400 && code <= 0x4DBF) ||
                    (code >= 0x4E00 && code <= 0x9FFF) || (code >= 0xA000 && code <= 0xA4CF) ||
                    (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF) ||
                    (code >= 0xFE30 && code <= 0xFE4F) || (code >= 0xFF00 && code <= 0xFF60) ||
                    (code >= 0xFFE0 && code <= 0xFFE6) || (code >= 0x1F300 && code <= 0x1F64F) ||
                    (code >= 0x1F900 && code <= 0x1F9FF) || (code >= 0x20000 && code <= 0x3FFFD);
  return wide ? 2 : 1;
}

std::string Pad(const std::string& text, std::size_t width) {
  const std::size_t shown = DisplayWidth(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

}  // namespace

std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto [code, length] = DecodeAt(text, at);
    width += CodePointWidth(code);
    at += length;
  }
  return width;
}

std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& byte : line) {
    const auto code = static_cast<unsigned char>(byte);
    if (code < 0x20U || code == 0x7FU) byte = ' ';
  }
  return line;
}

std::string Truncate(std::string_view text, std::size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // As many whole characters as fit in width - 1 columns, then the ellipsis.
  std::size_t used = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    const auto [code, length] = DecodeAt(text, end);
    const std::size_t columns = CodePointWidth(code);
    if (used + columns > width - 1) break;
    used += columns;
    end += length;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::size_t TerminalWidth(int fd) {
  if (isatty(fd) != 1) return 0;
  // Read-only use of the environment, which this program never modifies.
  if (const char* columns = std::getenv("COLUMNS")) {  // NOLINT(concurrency-mt-unsafe)
    std::size_t width = 0;
    const char* end = columns + std::char_traits<char>::length(columns);
    const auto [ptr, error] = std::from_chars(columns, end, width);
    if (error == std::errc() && ptr == end && width > 0) return width;
  }
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows, std::size_t max_width,
                        const std::vector<std::size_t>& flexible) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t column = 0; column < headers.size(); ++column) {
    widths[column] = DisplayWidth(headers[column]);
    for (const auto& row : rows) {
      if (column < row.size()) {
        widths[column] = std::max(widths[column], DisplayWidth(OneLine(row[column])));
      }
    }
  }
  auto total = [&] {
    return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) +
           (widths.empty() ? 0 : kGap * (widths.size() - 1));
  };
  // Narrow the widest flexible column, a column at a time, until the table
  // fits or every flexible column is down to kNarrowest.
  while (max_width > 0 && total() > max_width) {
    std::size_t* widest = nullptr;
    for (std::size_t column : flexible) {
      if (column < widths.size() && widths[column] > kNarrowest &&
          (widest == nullptr || widths[column] > *widest)) {
        widest = &widths[column];
      }
    }
    if (widest == nullptr) break;
    --*widest;
  }
  auto render_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t column = 0; column < widths.size(); ++column) {
      const std::string cell =
          Truncate(OneLine(column < cells.size() ? cells[column] : std::string()), widths[column]);
      // The last column is not padded: no trailing spaces.
      line += column + 1 == widths.size() ? cell : Pad(cell, widths[column] + kGap);
    }
    return line + "\n";
  };
  std::string table = render_row(headers);
  for (const auto& row : rows) table += render_row(row);
  return table;
}

}  // namespace photoflow::cli
