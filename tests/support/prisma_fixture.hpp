#pragma once

#include <fstream>
#include <iterator>
#include <string>

namespace photoflow::testing {

// The SQL Prisma emits for the PhotoFlow app's schema (tests/fixtures/prisma).
inline std::string PrismaInitSql() {
  std::ifstream in(PHOTOFLOW_PRISMA_FIXTURES "/migration.sql", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace photoflow::testing
