#include "migrate/migration_files.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>

#include "common/sha256.hpp"

namespace photoflow::migrate {

namespace {

constexpr size_t kTimestampDigits = 14;

std::string FormatTimestamp(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &utc);
  return buffer;
}

std::chrono::system_clock::time_point ParseTimestamp(std::string_view digits) {
  std::tm utc{};
  auto number = [&](size_t offset, size_t length) {
    return std::stoi(std::string(digits.substr(offset, length)));
  };
  utc.tm_year = number(0, 4) - 1900;
  utc.tm_mon = number(4, 2) - 1;
  utc.tm_mday = number(6, 2);
  utc.tm_hour = number(8, 2);
  utc.tm_min = number(10, 2);
  utc.tm_sec = number(12, 2);
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

bool IsSnakeCase(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

bool IsValidMigrationName(std::string_view name) {
  if (name.size() < kTimestampDigits + 2 || name[kTimestampDigits] != '_') return false;
  for (size_t i = 0; i < kTimestampDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  return IsSnakeCase(name.substr(kTimestampDigits + 1));
}

std::filesystem::path CreateMigrationFolder(const std::filesystem::path& dir, std::string_view name,
                                            std::chrono::system_clock::time_point now) {
  if (!IsSnakeCase(name)) {
    throw MigrationFilesError("migration name '" + std::string(name) +
                              "' must be snake_case: lower-case letters, digits and underscores");
  }
  std::chrono::system_clock::time_point stamp = now;
  for (const MigrationFile& existing : LoadMigrationFiles(dir)) {
    const auto existing_time = ParseTimestamp(existing.name.substr(0, kTimestampDigits));
    if (existing_time >= stamp) stamp = existing_time + std::chrono::seconds(1);
  }
  const std::string folder_name = FormatTimestamp(stamp) + "_" + std::string(name);
  std::filesystem::path folder = dir / folder_name;
  std::filesystem::create_directory(folder);
  std::ofstream out(folder / "migration.sql", std::ios::binary | std::ios::trunc);
  out << "-- Migration " << folder_name << "\n"
      << "-- Applied by `photoflow-migrate deploy` (or `npx prisma migrate deploy`) in one\n"
      << "-- transaction, in folder-name order. Never edit it once it has been applied\n"
      << "-- anywhere: deploy refuses modified migrations. Keep the schema what the\n"
      << "-- PhotoFlow Prisma app expects (shared/prisma/schema.prisma).\n\n";
  if (!out) throw MigrationFilesError("cannot write " + (folder / "migration.sql").string());
  return folder;
}

namespace {

std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  for (size_t at; (at = text.find(from, start)) != std::string_view::npos;
       start = at + from.size()) {
    out.append(text.substr(start, at - start)).append(to);
  }
  out.append(text.substr(start));
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) { return common::Sha256Hex(data); }

bool ChecksumMatches(std::string_view sql, std::string_view recorded) {
  constexpr size_t kChecksumLength = 64;
  const bool old_format = !recorded.empty() && recorded.size() != kChecksumLength;
  for (const std::string& variant :
       {std::string(sql), ReplaceAll(sql, "\r\n", "\n"), ReplaceAll(sql, "\n", "\r\n")}) {
    if (common::Hex(common::Sha256(variant), /*zero_padded=*/!old_format) == recorded) return true;
  }
  return false;
}

std::vector<MigrationFile> LoadMigrationFiles(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    throw MigrationFilesError("migrations folder " + dir.string() +
                              " does not exist or is not a folder");
  }
  std::vector<MigrationFile> migrations;
  std::filesystem::directory_iterator entries(dir, error);
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const std::filesystem::directory_entry& entry = *entries;
    if (!entry.is_directory(error)) continue;
    const std::string name = entry.path().filename().string();
    if (!IsValidMigrationName(name)) {
      throw MigrationFilesError("migration folder '" + name +
                                "' is not named <14-digit UTC timestamp>_<snake_case_name>");
    }
    const std::filesystem::path sql_path = entry.path() / "migration.sql";
    if (!std::filesystem::is_regular_file(sql_path, error)) {
      throw MigrationFilesError("migration folder '" + name + "' has no migration.sql file");
    }
    std::ifstream in(sql_path, std::ios::binary);
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.is_open() || in.bad()) throw MigrationFilesError("cannot read " + sql_path.string());
    MigrationFile migration{name, std::move(sql), ""};
    migration.checksum = Sha256Hex(migration.sql);
    migrations.push_back(std::move(migration));
  }
  if (error) {
    throw MigrationFilesError("cannot read the migrations folder " + dir.string() + ": " +
                              error.message());
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.name < b.name; });
  return migrations;
}

}  // namespace photoflow::migrate
