#pragma once

#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/tokens.hpp"

namespace photoflow::auth {

// The tokens file as the server uses it: read at start, re-read when it
// changes (Reload), looked up on every call. A file that fails to parse on
// reload is reported and the tokens already loaded stay in force, so a
// half-written file never locks every caller out.
class TokenRegistry {
 public:
  // Reads `path`; throws std::runtime_error naming it when it cannot be read
  // or parsed (the server must not start without the tokens it was told of).
  explicit TokenRegistry(std::string path);

  struct ReloadResult {
    bool reloaded = false;  // the file changed and its tokens are now in force
    std::string error;      // why the changed file was not taken (empty if it was)
    std::size_t tokens = 0;
  };
  // Re-reads the file if it changed since the last read (size, modification
  // time, inode), or always when `force`.
  ReloadResult Reload(bool force);

  // The caller whose token this is; null for an unknown token. The caller
  // stays valid after a reload.
  std::shared_ptr<const Caller> Authenticate(std::string_view token) const;

  const std::string& path() const { return path_; }
  std::size_t size() const;

 private:
  struct FileStamp {
    std::size_t size = 0;
    std::timespec modified{};
    unsigned long inode = 0;
    bool operator==(const FileStamp& other) const {
      return size == other.size && modified.tv_sec == other.modified.tv_sec &&
             modified.tv_nsec == other.modified.tv_nsec && inode == other.inode;
    }
  };
  // The file's content and stamp; throws std::runtime_error.
  std::string Read(FileStamp* stamp) const;

  const std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<TokenEntry>> entries_;  // guarded by mutex_
  FileStamp stamp_;                                         // guarded by mutex_
};

}  // namespace photoflow::auth
