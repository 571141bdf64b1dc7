#include "db/pooled_connection.hpp"

namespace photoflow::db {

const std::string* PooledConnection::PreparedName(const Query& query) {
  if (!traits_.session_state) return nullptr;
  if (auto found = prepared_.find(query.text()); found != prepared_.end()) return &found->second;
  if (prepared_.size() >= kMaxPrepared) return nullptr;
  std::string name(query.name());
  const int variant = variants_[name] + 1;
  if (variant > 1) name += "_" + std::to_string(variant);
  std::string text(query.text());
  prepare(name, text);
  variants_[std::string(query.name())] = variant;
  return &prepared_.emplace(std::move(text), std::move(name)).first->second;
}

}  // namespace photoflow::db
