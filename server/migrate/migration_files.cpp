#include "migrate/migration_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>

namespace photoflow::migrate {

bool IsValidMigrationName(std::string_view name) {
  constexpr size_t kTimestampDigits = 14;
  if (name.size() < kTimestampDigits + 2 || name[kTimestampDigits] != '_') return false;
  for (size_t i = 0; i < kTimestampDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  for (size_t i = kTimestampDigits + 1; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

std::vector<MigrationFile> LoadMigrationFiles(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    throw MigrationFilesError("migrations folder " + dir.string() +
                              " does not exist or is not a folder");
  }
  std::vector<MigrationFile> migrations;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    if (!IsValidMigrationName(name)) {
      throw MigrationFilesError("migration folder '" + name +
                                "' is not named <14-digit UTC timestamp>_<snake_case_name>");
    }
    const std::filesystem::path sql_path = entry.path() / "migration.sql";
    std::ifstream in(sql_path, std::ios::binary);
    if (!in) throw MigrationFilesError("cannot read " + sql_path.string());
    std::ostringstream sql;
    sql << in.rdbuf();
    MigrationFile migration{name, sql.str(), ""};
    migration.checksum = Sha256Hex(migration.sql);
    migrations.push_back(std::move(migration));
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.name < b.name; });
  return migrations;
}

}  // namespace photoflow::migrate
