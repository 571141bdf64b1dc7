#include "migrate/migration_files.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

namespace photoflow::migrate {
namespace {

using testing::TempDir;

TEST(MigrationFilesTest, Sha256MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(MigrationFilesTest, ChecksumMatchingFollowsPrisma) {
  EXPECT_TRUE(ChecksumMatches("abc", Sha256Hex("abc")));
  EXPECT_FALSE(ChecksumMatches("abc", Sha256Hex("abcd")));
  EXPECT_FALSE(ChecksumMatches("abc\n", Sha256Hex("abc")));
  EXPECT_TRUE(ChecksumMatches("a\r\nb\r\n", Sha256Hex("a\nb\n")));
  EXPECT_TRUE(ChecksumMatches("a\nb\n", Sha256Hex("a\r\nb\r\n")));
  // Old Prisma versions wrote each byte without zero padding; find a script
  // whose digest has a byte below 0x10, so the unpadded form is shorter.
  for (int i = 0;; ++i) {
    const std::string script = "SELECT " + std::to_string(i) + ";";
    const std::string padded = Sha256Hex(script);
    std::string unpadded;
    for (size_t at = 0; at < padded.size(); at += 2) {
      unpadded += padded[at] == '0' ? padded.substr(at + 1, 1) : padded.substr(at, 2);
    }
    if (unpadded.size() == padded.size()) continue;
    EXPECT_TRUE(ChecksumMatches(script, unpadded)) << script;
    EXPECT_FALSE(ChecksumMatches(script + " ", unpadded));
    break;
  }
}

TEST(MigrationFilesTest, NamesFollowPrismaConvention) {
  EXPECT_TRUE(IsValidMigrationName("20260301000000_init"));
  EXPECT_TRUE(IsValidMigrationName("20260302000000_add_priority_2"));
  EXPECT_FALSE(IsValidMigrationName("2026030100000_init"));
  EXPECT_FALSE(IsValidMigrationName("20260301000000-init"));
  EXPECT_FALSE(IsValidMigrationName("20260301000000_Init"));
  EXPECT_FALSE(IsValidMigrationName("20260301000000_"));
}

TEST(MigrationFilesTest, LoadsFoldersInNameOrderAndIgnoresFiles) {
  TempDir dir;
  dir.Write("20260302000000_second/migration.sql", "SELECT 2;");
  dir.Write("20260301000000_first/migration.sql", "SELECT 1;");
  dir.Write("migration_lock.toml", "provider = \"postgresql\"\n");
  const std::vector<MigrationFile> files = LoadMigrationFiles(dir.path());
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[0].name, "20260301000000_first");
  EXPECT_EQ(files[0].sql, "SELECT 1;");
  EXPECT_EQ(files[0].checksum, Sha256Hex("SELECT 1;"));
  EXPECT_EQ(files[1].name, "20260302000000_second");
}

TEST(MigrationFilesTest, BadFoldersAreRejectedWithTheirName) {
  TempDir missing_sql;
  std::filesystem::create_directories(missing_sql.path() / "20260301000000_empty");
  EXPECT_THROW(LoadMigrationFiles(missing_sql.path()), MigrationFilesError);

  TempDir sql_is_a_folder;
  std::filesystem::create_directories(sql_is_a_folder.path() / "20260301000000_odd/migration.sql");
  EXPECT_THROW(LoadMigrationFiles(sql_is_a_folder.path()), MigrationFilesError);

  TempDir bad_name;
  bad_name.Write("add_things/migration.sql", "SELECT 1;");
  try {
    LoadMigrationFiles(bad_name.path());
    FAIL() << "accepted";
  } catch (const MigrationFilesError& error) {
    EXPECT_NE(std::string(error.what()).find("add_things"), std::string::npos);
  }
  EXPECT_THROW(LoadMigrationFiles("/nonexistent/photoflow"), MigrationFilesError);
}

TEST(MigrationFilesTest, InitMigrationIsPrismasSqlByteForByte) {
  // SHA-256 of the SQL that Prisma 6.19 emits for the PhotoFlow schema
  // (`prisma migrate dev --name init`, shared/prisma/migration.sql); Prisma
  // records this checksum in _prisma_migrations, so it must never change.
  const std::vector<MigrationFile> files = LoadMigrationFiles(config::DefaultMigrationsDir());
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name, "20260301000000_init");
  EXPECT_EQ(files[0].checksum, "21c74bbb83169fcae8155f80b828d0d3afad269c199afc34dcb3a315d3aafa32");
}

TEST(MigrationFilesTest, NewMigrationGetsAUtcTimestampAndSortsLast) {
  TempDir dir;
  // 2026-11-25T16:20:05Z
  const auto now = std::chrono::system_clock::from_time_t(1795623605);
  const auto folder = CreateMigrationFolder(dir.path(), "add_priority", now);
  EXPECT_EQ(folder.filename(), "20261125162005_add_priority");
  const std::vector<MigrationFile> files = LoadMigrationFiles(dir.path());
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].sql.rfind("-- Migration 20261125162005_add_priority\n", 0), 0U);

  // A clock behind the newest migration still produces a name that sorts last.
  dir.Write("20991231235959_future/migration.sql", "SELECT 1;");
  EXPECT_EQ(CreateMigrationFolder(dir.path(), "after_future", now).filename(),
            "21000101000000_after_future");
}

TEST(MigrationFilesTest, NewMigrationRejectsNamesThatAreNotSnakeCase) {
  TempDir dir;
  for (const char* bad : {"", "Add", "add-priority", "add priority", "../escape"}) {
    EXPECT_THROW(CreateMigrationFolder(dir.path(), bad, std::chrono::system_clock::now()),
                 MigrationFilesError)
        << bad;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// Prisma's driver-adapter migrate splits a migration file on every ';', even
// one inside a comment, so that the PhotoFlow app could not apply our folders
// (docs/migrations.md): comments must hold no ';'.
TEST(MigrationFilesTest, CommittedMigrationsKeepSemicolonsOutOfComments) {
  int files = 0;
  for (const auto& folder :
       std::filesystem::directory_iterator(PHOTOFLOW_SOURCE_DIR "/migrations")) {
    const std::filesystem::path path = folder.path() / "migration.sql";
    if (!std::filesystem::exists(path)) continue;
    ++files;
    std::ifstream in(path);
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t line = 1;
    for (size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] == '\n') ++line;
      if (sql.compare(i, 2, "--") == 0) {
        const size_t end = sql.find('\n', i);
        const std::string comment = sql.substr(i, end - i);
        EXPECT_EQ(comment.find(';'), std::string::npos) << path << ":" << line << ": " << comment;
        i = end == std::string::npos ? sql.size() : end - 1;
      } else if (sql.compare(i, 2, "/*") == 0) {
        const size_t end = sql.find("*/", i);
        EXPECT_EQ(sql.substr(i, end - i).find(';'), std::string::npos) << path << ":" << line;
        i = end == std::string::npos ? sql.size() : end;
      }
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace photoflow::migrate
