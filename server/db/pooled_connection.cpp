#include "db/pooled_connection.hpp"

namespace photoflow::db {

const std::string* PooledConnection::PreparedName(const std::string& sql) {
  if (!traits_.session_state) return nullptr;
  if (auto found = prepared_.find(sql); found != prepared_.end()) return &found->second;
  if (prepared_.size() >= kMaxPrepared) return nullptr;
  std::string name = "photoflow_" + std::to_string(prepared_.size() + 1);
  prepare(name, sql);
  return &prepared_.emplace(sql, std::move(name)).first->second;
}

}  // namespace photoflow::db
