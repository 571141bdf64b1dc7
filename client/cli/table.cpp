#include "table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <numeric>

namespace photoflow::cli {
namespace {

constexpr std::size_t kGap = 2;
constexpr std::size_t kNarrowest = 8;

bool IsContinuationByte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U; }

std::string Pad(const std::string& text, std::size_t width) {
  const std::size_t shown = DisplayWidth(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

}  // namespace

std::size_t DisplayWidth(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char byte) { return !IsContinuationByte(byte); }));
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
  // Keep width - 1 characters and add the ellipsis.
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    std::size_t next = end + 1;
    while (next < text.size() && IsContinuationByte(text[next])) ++next;
    if (kept + 1 > width - 1) break;
    ++kept;
    end = next;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::size_t TerminalWidth(int fd) {
  // Read-only use of the environment, which this program never modifies.
  if (const char* columns = std::getenv("COLUMNS")) {  // NOLINT(concurrency-mt-unsafe)
    std::size_t width = 0;
    const char* end = columns + std::char_traits<char>::length(columns);
    const auto [ptr, error] = std::from_chars(columns, end, width);
    if (error == std::errc() && ptr == end && width > 0) return width;
  }
  winsize size{};
  if (isatty(fd) == 1 && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 0;
}

std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows, std::size_t max_width,
                        std::optional<std::size_t> flexible) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t column = 0; column < headers.size(); ++column) {
    widths[column] = DisplayWidth(headers[column]);
    for (const auto& row : rows) {
      if (column < row.size()) widths[column] = std::max(widths[column], DisplayWidth(row[column]));
    }
  }
  const std::size_t total = std::accumulate(widths.begin(), widths.end(), std::size_t{0}) +
                            (headers.empty() ? 0 : kGap * (headers.size() - 1));
  if (max_width > 0 && total > max_width && flexible && *flexible < widths.size()) {
    const std::size_t excess = total - max_width;
    std::size_t& shrinking = widths[*flexible];
    shrinking = std::max(kNarrowest, shrinking > excess ? shrinking - excess : 0);
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
