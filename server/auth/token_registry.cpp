#include "auth/token_registry.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace photoflow::auth {

TokenRegistry::TokenRegistry(std::string path) : path_(std::move(path)) {
  FileStamp stamp;
  const std::string text = Read(&stamp);
  try {
    entries_ = std::make_shared<const std::vector<TokenEntry>>(ParseTokensFile(text));
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("PHOTOFLOW_AUTH_TOKENS_FILE '" + path_ + "' " + error.what());
  }
  stamp_ = stamp;
}

std::string TokenRegistry::Read(FileStamp* stamp) const {
  struct stat status {};
  if (::stat(path_.c_str(), &status) != 0) {
    throw std::runtime_error("PHOTOFLOW_AUTH_TOKENS_FILE: cannot read '" + path_ + "'");
  }
  *stamp = {static_cast<std::size_t>(status.st_size), status.st_mtim, status.st_ino};
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw std::runtime_error("PHOTOFLOW_AUTH_TOKENS_FILE: cannot read '" + path_ + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TokenRegistry::ReloadResult TokenRegistry::Reload(bool force) {
  ReloadResult result;
  FileStamp stamp;
  std::string text;
  try {
    text = Read(&stamp);
  } catch (const std::runtime_error& error) {
    result.error = error.what();
    return result;
  }
  {
    const std::lock_guard lock(mutex_);
    result.tokens = entries_->size();
    if (!force && stamp == stamp_) return result;
  }
  std::shared_ptr<const std::vector<TokenEntry>> entries;
  try {
    entries = std::make_shared<const std::vector<TokenEntry>>(ParseTokensFile(text));
  } catch (const std::invalid_argument& error) {
    result.error = error.what();
    const std::lock_guard lock(mutex_);
    stamp_ = stamp;  // reported once, not at every check until it is fixed
    return result;
  }
  const std::lock_guard lock(mutex_);
  entries_ = std::move(entries);
  stamp_ = stamp;
  result.reloaded = true;
  result.tokens = entries_->size();
  return result;
}

std::shared_ptr<const Caller> TokenRegistry::Authenticate(std::string_view token) const {
  std::shared_ptr<const std::vector<TokenEntry>> entries;
  {
    const std::lock_guard lock(mutex_);
    entries = entries_;
  }
  const TokenEntry* entry = FindToken(*entries, token);
  if (entry == nullptr) return nullptr;
  return {entries, &entry->caller};  // shares ownership of the whole snapshot
}

std::size_t TokenRegistry::size() const {
  const std::lock_guard lock(mutex_);
  return entries_->size();
}

}  // namespace photoflow::auth
