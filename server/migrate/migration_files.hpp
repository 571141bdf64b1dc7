#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace photoflow::migrate {

// A migrations folder or file that cannot be used (operator error; exit 2).
class MigrationFilesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationFile {
  std::string name;      // folder name: <14 digits>_<snake_case>
  std::string sql;       // migration.sql, byte for byte
  std::string checksum;  // SHA-256 hex of `sql`, as Prisma Migrate computes it
};

// Reads every <name>/migration.sql below `dir`, sorted by name. Files beside
// the folders (migration_lock.toml) are ignored.
std::vector<MigrationFile> LoadMigrationFiles(const std::filesystem::path& dir);

bool IsValidMigrationName(std::string_view name);

// `new NAME`: creates <dir>/<UTC yyyymmddHHMMSS>_<name>/migration.sql with a
// header comment and returns the folder. The timestamp is `now`, or one
// second after the newest existing migration if that is later, so the new one
// always sorts last. Throws MigrationFilesError for a bad name.
std::filesystem::path CreateMigrationFolder(const std::filesystem::path& dir, std::string_view name,
                                            std::chrono::system_clock::time_point now);

std::string Sha256Hex(std::string_view data);

// Whether `sql` matches a checksum recorded in _prisma_migrations, by Prisma
// Migrate's rules: line endings do not matter (a checkout with CRLF matches an
// LF checksum and vice versa), and the unpadded hex that an old Prisma version
// wrote is accepted.
bool ChecksumMatches(std::string_view sql, std::string_view recorded);

}  // namespace photoflow::migrate
