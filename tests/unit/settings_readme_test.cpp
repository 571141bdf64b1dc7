// The README's configuration table says what the settings table in
// config/config.cpp says: the same variables, flags and defaults, in order.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.hpp"

namespace photoflow::config {
namespace {

std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|') {
      const size_t first = cell.find_first_not_of(' ');
      const size_t last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
      cell.clear();
    } else {
      cell.push_back(row[i]);
    }
  }
  return cells;
}

TEST(SettingsReadmeTest, TheReadmeTableListsEverySettingWithItsFlagAndDefault) {
  std::ifstream readme(PHOTOFLOW_SOURCE_DIR "/README.md");
  ASSERT_TRUE(readme) << "README.md not found";
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(readme, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells = Cells(line);
    if (cells.size() >= 3 && cells[1].rfind("`--", 0) == 0) rows.push_back(std::move(cells));
  }
  const std::vector<SettingDoc> settings = SettingDocs();
  ASSERT_EQ(rows.size(), settings.size()) << "README rows vs settings";
  for (size_t i = 0; i < settings.size(); ++i) {
    const SettingDoc& setting = settings[i];
    SCOPED_TRACE(std::string(setting.env));
    EXPECT_EQ(rows[i][0], "`" + std::string(setting.env) + "`");
    EXPECT_EQ(rows[i][1], "`" + std::string(setting.flag) + "`");
    const std::string expected = setting.default_text.empty()
                                     ? "`" + std::string(setting.default_value) + "`"
                                     : std::string(setting.default_text);
    EXPECT_EQ(rows[i][2], expected);
  }
}

TEST(SettingsReadmeTest, HelpShowsEveryDefaultWithoutMarkdown) {
  const std::string help = HelpText("photoflow-server");
  for (const SettingDoc& setting : SettingDocs()) {
    EXPECT_NE(help.find(setting.flag), std::string::npos) << setting.flag;
  }
  EXPECT_NE(help.find("default 4 × connection_limit."), std::string::npos) << help;
  EXPECT_EQ(help.find('`'), std::string::npos) << help;
}

}  // namespace
}  // namespace photoflow::config
