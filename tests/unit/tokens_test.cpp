// Bearer tokens: the tokens file, lookups, scopes, new tokens, reloads and the
// token subcommand.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "app/token_command.hpp"
#include "auth/token_registry.hpp"
#include "auth/tokens.hpp"
#include "support/temp_dir.hpp"

namespace photoflow::auth {
namespace {

TEST(TokensTest, AFileOfHashesNamesAndScopesParses) {
  const std::string billing = NewToken();
  const std::string viewer = NewToken();
  const std::string file = "# PhotoFlow callers\n\n" + TokenLine(billing, "billing", kTasksWrite) +
                           "\n  " + TokenHashHex(viewer) + "\tfront-desk.v2   tasks.read\r\n";
  const std::vector<TokenEntry> entries = ParseTokensFile(file);
  ASSERT_EQ(entries.size(), 2U);
  ASSERT_NE(FindToken(entries, billing), nullptr);
  EXPECT_EQ(FindToken(entries, billing)->caller.name, "billing");
  EXPECT_EQ(FindToken(entries, viewer)->caller.name, "front-desk.v2");
  EXPECT_EQ(FindToken(entries, viewer)->caller.scopes, kTasksRead);
  EXPECT_EQ(FindToken(entries, NewToken()), nullptr);
  EXPECT_EQ(FindToken(entries, ""), nullptr);
  EXPECT_EQ(FindToken(entries, billing + "x"), nullptr);
}

TEST(TokensTest, ProblemsNameTheLineWithoutQuotingTheHash) {
  const std::string hash = TokenHashHex("secret");
  const std::pair<std::string, std::string> bad[] = {
      {hash + " billing", "line 1: expected"},
      {"# ok\n" + hash.substr(1) + " billing tasks.read", "line 2: the hash is not 64 hex digits"},
      {hash.substr(0, 63) + "g billing tasks.read", "the hash is not 64 hex digits"},
      {hash + " bill/ing tasks.read", "the name must be"},
      {hash + " " + std::string(65, 'n') + " tasks.read", "the name must be"},
      {hash + " billing tasks.delete", "unknown scope"},
      {hash + " billing tasks.read,", "unknown scope"},
      {hash + " a tasks.read\n" + TokenHashHex("other") + " a admin", "line 2: the name 'a'"},
      {hash + " a tasks.read\n" + hash + " b admin", "line 2: the same token hash"},
  };
  for (const auto& [file, expected] : bad) {
    try {
      ParseTokensFile(file);
      ADD_FAILURE() << "accepted: " << file;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
      EXPECT_EQ(std::string(error.what()).find(hash.substr(0, 16)), std::string::npos);
    }
  }
}

TEST(TokensTest, ScopesImplyWhatTheyInclude) {
  EXPECT_TRUE(Allows(kTasksRead, kTasksRead));
  EXPECT_FALSE(Allows(kTasksRead, kTasksWrite));
  EXPECT_TRUE(Allows(kTasksWrite, kTasksRead));
  EXPECT_TRUE(Allows(kTasksWrite, kTasksWrite));
  EXPECT_FALSE(Allows(kTasksWrite, kAdmin));
  EXPECT_TRUE(Allows(kAdmin, kTasksWrite));
  EXPECT_FALSE(Allows(0, kTasksRead));
  EXPECT_EQ(ParseScope("tasks.write"), kTasksWrite);
  EXPECT_EQ(ParseScope("Tasks.Write"), std::nullopt);
  EXPECT_EQ(ScopeName(kAdmin), "admin");
}

TEST(TokensTest, NewTokensAreLongRandomAndUrlSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = NewToken();
    EXPECT_EQ(token.size(), 3U + 43U) << token;
    EXPECT_TRUE(token.starts_with("pf_"));
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
              std::string::npos)
        << token;
    EXPECT_TRUE(seen.insert(token).second);
  }
  // SHA-256("abc"), the FIPS 180-2 test vector.
  EXPECT_EQ(TokenHashHex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenLine("abc", "ci", kTasksRead | kAdmin),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ci tasks.read,admin");
}

TEST(TokenRegistryTest, ReloadTakesAChangedFileAndKeepsTheOldTokensWhenTheNewFileIsBad) {
  const testing::TempDir dir;
  const std::string path = (dir.path() / "tokens").string();
  const std::string first = NewToken();
  const std::string second = NewToken();
  dir.Write("tokens", TokenLine(first, "first", kTasksRead) + "\n");
  TokenRegistry registry(path);
  ASSERT_NE(registry.Authenticate(first), nullptr);
  EXPECT_FALSE(registry.Reload(false).reloaded);  // unchanged

  const std::shared_ptr<const Caller> held = registry.Authenticate(first);
  dir.Write("tokens", TokenLine(second, "second", kTasksWrite) + "\n");
  const TokenRegistry::ReloadResult taken = registry.Reload(true);
  EXPECT_TRUE(taken.reloaded);
  EXPECT_EQ(taken.tokens, 1U);
  EXPECT_EQ(registry.Authenticate(first), nullptr);
  ASSERT_NE(registry.Authenticate(second), nullptr);
  EXPECT_EQ(registry.Authenticate(second)->name, "second");
  EXPECT_EQ(held->name, "first");  // a caller looked up before stays valid

  dir.Write("tokens", "not a tokens file\n");
  const TokenRegistry::ReloadResult refused = registry.Reload(true);
  EXPECT_FALSE(refused.reloaded);
  EXPECT_NE(refused.error.find("line 1"), std::string::npos) << refused.error;
  EXPECT_NE(registry.Authenticate(second), nullptr);

  std::filesystem::remove(path);
  EXPECT_FALSE(registry.Reload(true).error.empty());
  EXPECT_NE(registry.Authenticate(second), nullptr);
  EXPECT_THROW(TokenRegistry missing(path), std::runtime_error);
}

TEST(TokenCommandTest, PrintsATokenAndTheLineThatLetsItIn) {
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(
      app::RunTokenCommand({"--name", "billing", "--scopes", "tasks.write,tasks.read"}, out, err),
      0)
      << err.str();
  std::istringstream lines(out.str());
  std::vector<std::string> printed;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#")) printed.push_back(line);
  }
  ASSERT_EQ(printed.size(), 2U) << out.str();
  const std::vector<TokenEntry> entries = ParseTokensFile(printed[1]);
  const TokenEntry* entry = FindToken(entries, printed[0]);
  ASSERT_NE(entry, nullptr) << out.str();
  EXPECT_EQ(entry->caller.name, "billing");
  EXPECT_EQ(entry->caller.scopes, kTasksRead | kTasksWrite);
  EXPECT_EQ(printed[1].find(printed[0]), std::string::npos);  // the line never holds the token
}

TEST(TokenCommandTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"--name", "x"},
                                             {"--scopes", "admin"},
                                             {"--name", "a b", "--scopes", "admin"},
                                             {"--name", "x", "--scopes", "root"},
                                             {"--name"},
                                             {"--colour", "red"}}) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(app::RunTokenCommand(args, out, err), 2) << err.str();
    EXPECT_TRUE(out.str().empty());
    EXPECT_FALSE(err.str().empty());
  }
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(app::RunTokenCommand({"--help"}, out, err), 0);
  EXPECT_NE(out.str().find("tasks.write"), std::string::npos);
}

}  // namespace
}  // namespace photoflow::auth
