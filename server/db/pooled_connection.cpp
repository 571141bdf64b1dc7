#include "db/pooled_connection.hpp"

#include "db/broken_statement.hpp"

#include <utility>

#include <libpq-fe.h>

namespace photoflow::db {
namespace {

thread_local const HandleKeepingConnect* connected_policy = nullptr;

}  // namespace

HandleKeepingConnect::handle HandleKeepingConnect::do_startconnect(handle orig) {
  handle_ = pqxx::connect_direct::do_startconnect(orig);
  connected_policy = this;
  return handle_;
}

HandleKeepingConnect::handle HandleKeepingConnect::do_dropconnect(handle orig) noexcept {
  handle_ = nullptr;
  return pqxx::connect_direct::do_dropconnect(orig);
}

HandleKeepingConnect::handle HandleKeepingConnect::do_disconnect(handle orig) noexcept {
  handle_ = nullptr;
  return pqxx::connect_direct::do_disconnect(orig);
}

const HandleKeepingConnect* HandleKeepingConnect::TakeConnected() {
  return std::exchange(connected_policy, nullptr);
}

PooledConnection::PooledConnection(const std::string& conninfo, Traits traits)
    : pqxx::basic_connection_base<HandleKeepingConnect>(conninfo),
      traits_(traits),
      policy_(HandleKeepingConnect::TakeConnected()) {
  set_verbosity(verbose);
}

bool PooledConnection::SessionEndWatcher::operator()(const char message[]) noexcept {
  if (message != nullptr && EndsSession(message)) seen_ = true;
  return true;  // older handlers still get it
}

void PooledConnection::ThrowIfEndedWhileIdle() {
  const HandleKeepingConnect::handle handle = policy_ != nullptr ? policy_->current() : nullptr;
  // PQconsumeInput only reads; PQisBusy parses what was read, which hands a
  // FATAL that came while idle to the notice processor (libpqxx's
  // get_notifs would not parse it inside a transaction object).
  const bool readable = handle != nullptr && PQconsumeInput(handle) != 0;
  if (readable) (void)PQisBusy(handle);
  if (!readable || session_end_.seen() || PQstatus(handle) != CONNECTION_OK) {
    throw pqxx::broken_connection("the server ended the session while the connection was idle");
  }
}

std::string PooledConnection::LastError() const {
  const HandleKeepingConnect::handle handle = policy_ != nullptr ? policy_->current() : nullptr;
  const char* message = handle != nullptr ? PQerrorMessage(handle) : nullptr;
  return message != nullptr ? message : "";
}

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
