#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "photoflow/v1/task.pb.h"

namespace photoflow::cli {

// Orders kanban columns as people number them: "1" < "2" < "10", numbers
// before names, names alphabetically.
struct ColumnOrder {
  bool operator()(const std::string& left, const std::string& right) const;
};

// Tasks by column, each column in the order the tasks came (by due date).
using BoardColumns = std::map<std::string, std::vector<v1::Task>, ColumnOrder>;

BoardColumns GroupByColumn(const std::vector<v1::Task>& tasks);

// The kanban view: the columns side by side, each headed by its name and
// task count, each task as "#id  due  N comments" over its title; at most
// `per_column` tasks a column (0: all), then "… N more". `width` is the
// terminal's (0: 100). Columns narrower than 20 characters would be
// unreadable, so then they are stacked one under another instead.
std::string RenderBoard(const BoardColumns& columns, std::size_t width, std::size_t per_column = 0);

}  // namespace photoflow::cli
