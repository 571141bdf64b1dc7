#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pqxx/basic_connection>
#include <pqxx/connection>
#include <pqxx/errorhandler>

#include "db/query.hpp"
#include "db/statement_observer.hpp"

namespace photoflow::db {

// libpqxx's connect_direct that also hands over the libpq handle it opens
// (libpqxx 6 keeps it private), so that PooledConnection can read what
// libpqxx does not pass on: the server's own error when a connection breaks.
// The handle is taken on the thread that constructs the connection.
class HandleKeepingConnect : public pqxx::connect_direct {
 public:
  explicit HandleKeepingConnect(const std::string& options) : pqxx::connect_direct(options) {}
  HandleKeepingConnect(const HandleKeepingConnect&) = delete;
  HandleKeepingConnect& operator=(const HandleKeepingConnect&) = delete;
  ~HandleKeepingConnect() noexcept override = default;

  handle do_startconnect(handle orig) override;
  handle do_dropconnect(handle orig) noexcept override;
  handle do_disconnect(handle orig) noexcept override;

  // The open libpq handle; nullptr once libpqxx has closed it.
  handle current() const { return handle_; }
  // The policy that connected last on this thread; nullptr after it was taken.
  static const HandleKeepingConnect* TakeConnected();

 private:
  handle handle_ = nullptr;
};

// A libpqxx connection plus what the pool knows about it: when it must be
// retired, whether its session may keep state between transactions, and the
// statements prepared on it.
class PooledConnection : public pqxx::basic_connection_base<HandleKeepingConnect> {
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

  // Errors are verbose: they carry their SQLSTATE, which LastError() needs.
  PooledConnection(const std::string& conninfo, Traits traits);

  // libpq's last error on this connection, as the server sent it (with its
  // SQLSTATE) followed by libpq's own words.
  std::string LastError() const;
  // Reads what the server sent while this connection sat idle (libpq looks
  // only when the next statement goes out) and throws pqxx::broken_connection
  // when the server ended the session meanwhile (FATAL 57P01, which libpq
  // reports as a notice when no statement runs; a FATAL while a statement
  // runs is that statement's error, in LastError): nothing has been sent then,
  // so the caller may run its statement on another connection. After a
  // statement was sent, a FATAL taken for a notice may have come after its
  // commit (libpqxx reads pending input once the answer is in), which is why
  // autocommit writes call this first.
  void ThrowIfEndedWhileIdle();

  bool session_state() const { return traits_.session_state; }
  bool expired(Clock::time_point now) const { return now >= traits_.retire_at; }
  StatementObserver* statement_observer() const { return traits_.statements; }

  // Whether the call holding this connection was cancelled: PostgreSQL drops
  // a cancel request that finds the backend idle (between two statements, or
  // before the first), so statements check this before they are sent. The
  // flag belongs to the current lease (ConnectionPool::Lease sets it).
  bool cancel_requested() const {
    return cancel_flag_ != nullptr && (cancel_flag_->load(std::memory_order_acquire) & 1U) != 0;
  }
  // The lease's cancel state: its low bit is set when its current call was cancelled.
  void set_cancel_flag(const std::atomic<uint64_t>* flag) { cancel_flag_ = flag; }

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
  // Watches the notices for a FATAL that ends the session.
  class SessionEndWatcher final : public pqxx::errorhandler {
   public:
    explicit SessionEndWatcher(pqxx::connection_base& connection)
        : pqxx::errorhandler(connection) {}
    bool operator()(const char message[]) noexcept override;
    bool seen() const { return seen_; }

   private:
    bool seen_ = false;
  };

  Traits traits_;
  const HandleKeepingConnect* policy_;
  SessionEndWatcher session_end_{*this};
  const std::atomic<uint64_t>* cancel_flag_ = nullptr;
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
