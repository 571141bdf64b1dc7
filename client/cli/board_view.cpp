#include "board_view.hpp"

#include <algorithm>

#include "table.hpp"
#include "timestamps.hpp"

namespace photoflow::cli {
namespace {

constexpr std::size_t kDefaultWidth = 100;
constexpr std::size_t kNarrowestColumn = 20;
constexpr std::size_t kGap = 2;

bool IsNumber(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One column's lines, each at most `width` characters.
std::vector<std::string> ColumnLines(const std::string& name, const std::vector<v1::Task>& tasks,
                                     std::size_t width, std::size_t per_column) {
  std::vector<std::string> lines;
  const std::string shown_name = name.empty() ? "\"\"" : OneLine(name);
  lines.push_back(Truncate(shown_name + " (" + std::to_string(tasks.size()) + ")", width));
  lines.emplace_back(width, '-');
  const std::size_t shown = per_column == 0 ? tasks.size() : std::min(per_column, tasks.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const v1::Task& task = tasks[i];
    std::string heading = "#" + std::to_string(task.id()) + "  " + FormatTimestamp(task.due_at());
    if (task.amount_of_comments() > 0) {
      heading += "  " + std::to_string(task.amount_of_comments()) +
                 (task.amount_of_comments() == 1 ? " comment" : " comments");
    }
    lines.push_back(Truncate(heading, width));
    lines.push_back(Truncate("  " + OneLine(task.title()), width));
  }
  if (shown < tasks.size()) {
    lines.push_back(Truncate("… " + std::to_string(tasks.size() - shown) + " more", width));
  }
  return lines;
}

std::string PadTo(const std::string& text, std::size_t width) {
  const std::size_t shown = DisplayWidth(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

}  // namespace

bool ColumnOrder::operator()(const std::string& left, const std::string& right) const {
  const bool left_number = IsNumber(left);
  const bool right_number = IsNumber(right);
  if (left_number != right_number) return left_number;
  if (left_number) {
    // Leading zeros aside, the longer number is the larger.
    const std::string a = left.substr(std::min(left.find_first_not_of('0'), left.size() - 1));
    const std::string b = right.substr(std::min(right.find_first_not_of('0'), right.size() - 1));
    if (a.size() != b.size()) return a.size() < b.size();
    if (a != b) return a < b;
  }
  return left < right;
}

BoardColumns GroupByColumn(const std::vector<v1::Task>& tasks) {
  BoardColumns columns;
  for (const v1::Task& task : tasks) columns[task.task_column()].push_back(task);
  return columns;
}

std::string RenderBoard(const BoardColumns& columns, std::size_t width, std::size_t per_column) {
  if (columns.empty()) return "(no unfinished tasks)\n";
  const std::size_t total = width == 0 ? kDefaultWidth : width;
  const std::size_t count = columns.size();
  const std::size_t gaps = kGap * (count - 1);
  const std::size_t column_width = total > gaps ? (total - gaps) / count : 0;
  std::string board;
  if (column_width < kNarrowestColumn) {
    for (const auto& [name, tasks] : columns) {
      if (!board.empty()) board += "\n";
      for (const std::string& line : ColumnLines(name, tasks, total, per_column))
        board += line + "\n";
    }
    return board;
  }
  std::vector<std::vector<std::string>> blocks;
  std::size_t height = 0;
  for (const auto& [name, tasks] : columns) {
    blocks.push_back(ColumnLines(name, tasks, column_width, per_column));
    height = std::max(height, blocks.back().size());
  }
  for (std::size_t row = 0; row < height; ++row) {
    std::string line;
    for (std::size_t column = 0; column < blocks.size(); ++column) {
      const std::string cell = row < blocks[column].size() ? blocks[column][row] : "";
      line += column + 1 == blocks.size() ? cell : PadTo(cell, column_width + kGap);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    board += line + "\n";
  }
  return board;
}

}  // namespace photoflow::cli
