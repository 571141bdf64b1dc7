#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::cli {

// Terminal columns `text` takes: 2 for each East Asian wide character or
// emoji, 0 for combining marks, 1 for the rest.
std::size_t DisplayWidth(std::string_view text);

// Stored text made safe for one table cell: control characters (newlines,
// tabs, and the ESC of terminal escape sequences someone may have stored)
// become spaces.
std::string OneLine(std::string_view text);

// At most `width` columns, ending in "…" when cut (never inside a character).
std::string Truncate(std::string_view text, std::size_t width);

// The width to fit tables to when `fd` is a terminal: $COLUMNS when set,
// else the terminal's; 0 (no limit) when it is not a terminal, so output to
// a pipe or file is never cut.
std::size_t TerminalWidth(int fd);

// Rows under headers, columns two spaces apart, one line each (cells pass
// through OneLine). When `max_width` is above 0 and the table is wider, the
// `flexible` columns shrink, the widest first, to no fewer than 8 columns
// each, and their cells are cut with "…".
std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows, std::size_t max_width,
                        const std::vector<std::size_t>& flexible);

}  // namespace photoflow::cli
