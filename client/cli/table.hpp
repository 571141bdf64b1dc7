#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::cli {

// Width in characters: UTF-8 code points (every one counted as one column).
std::size_t DisplayWidth(std::string_view text);

// Stored text made safe for one table cell: control characters (newlines,
// tabs, and the ESC of terminal escape sequences someone may have stored)
// become spaces.
std::string OneLine(std::string_view text);

// At most `width` characters, ending in "…" when cut.
std::string Truncate(std::string_view text, std::size_t width);

// The width to fit tables to: $COLUMNS when set, else the terminal's width
// when `fd` is a terminal, else 0 (no limit: output to a pipe is not cut).
std::size_t TerminalWidth(int fd);

// Rows under headers, columns two spaces apart, one line each (cells pass
// through OneLine). When
// `max_width` is above 0 and the table is wider, the `flexible` column
// shrinks (to no fewer than 8 characters) and its cells are cut with "…".
std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows, std::size_t max_width,
                        std::optional<std::size_t> flexible);

}  // namespace photoflow::cli
