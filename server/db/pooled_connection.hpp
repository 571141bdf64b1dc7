#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pqxx/connection>

#include "db/query.hpp"
#include "db/statement_observer.hpp"

namespace photoflow::db {

// A libpqxx connection plus what the pool knows about it: when it must be
// retired, whether its session may keep state between transactions, and the
// statements prepared on it.
class PooledConnection : public pqxx::connection {
 public:
  using Clock = std::chrono::steady_clock;

  struct Traits {
    // Behind PgBouncer in transaction mode consecutive transactions may run on
    // different server sessions: nothing may be prepared or set per session.
    bool session_state = true;
    // After this the pool closes the connection instead of reusing it.
    Clock::time_point retire_at = Clock::time_point::max();
    // Told about each statement run on it; nullptr for none.
    StatementObserver* statements = nullptr;
  };

  PooledConnection(const std::string& conninfo, Traits traits)
      : pqxx::connection(conninfo), traits_(traits) {}

  bool session_state() const { return traits_.session_state; }
  bool expired(Clock::time_point now) const { return now >= traits_.retire_at; }
  StatementObserver* statement_observer() const { return traits_.statements; }

  // The name under which `query` is prepared on this connection (registering
  // it on first use; libpqxx prepares it on the server when first executed),
  // or nullptr when statements are not prepared: no session state, or the
  // connection holds kMaxPrepared already (text built from a client's filter
  // could otherwise grow the server's memory without bound). The name is the
  // query's own; variants of one query (a list's filter, a read mask's
  // columns) get "_2", "_3", ... appended.
  const std::string* PreparedName(const Query& query);

  static constexpr std::size_t kMaxPrepared = 256;

 private:
  Traits traits_;
  // Looked up by std::string_view without copying the text.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  // SQL text -> statement name.
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;
  std::unordered_map<std::string, int> variants_;  // query name -> texts prepared
};

}  // namespace photoflow::db
