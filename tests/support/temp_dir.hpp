#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace photoflow::testing {

// A private directory under /tmp, removed with everything in it afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "photoflow-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to `relative` (creating folders), replacing any file there.
  void Write(const std::string& relative, const std::string& content) const {
    std::filesystem::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative, std::ios::binary | std::ios::trunc) << content;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace photoflow::testing
