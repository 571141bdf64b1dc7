#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace photoflow::testing {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The SQL Prisma emits for the PhotoFlow app's schema (tests/fixtures/prisma):
// its first migration, `prisma migrate dev --name init`.
inline std::string PrismaInitSql() { return ReadFile(PHOTOFLOW_PRISMA_FIXTURES "/migration.sql"); }

// The whole schema as Prisma builds it: the init SQL, then the SQL Prisma
// emitted for each later change of the app's schema.prisma, in
// tests/fixtures/prisma/migrations/<timestamp>_<name>/migration.sql (name order).
inline std::string PrismaSchemaSql() {
  std::string sql = PrismaInitSql();
  const std::filesystem::path later = PHOTOFLOW_PRISMA_FIXTURES "/migrations";
  if (!std::filesystem::is_directory(later)) return sql;
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(later)) {
    folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const std::filesystem::path& folder : folders) {
    sql += "\n" + ReadFile(folder / "migration.sql");
  }
  return sql;
}

}  // namespace photoflow::testing
