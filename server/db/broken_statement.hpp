#pragma once

#include <string_view>

namespace photoflow::db {

// What became of a statement run outside a transaction (autocommit) when its
// connection broke, told from libpq's last error on the connection
// (PooledConnection::LastError, verbose: with the server's SQLSTATE).
// PostgreSQL 15's src/backend/tcop/postgres.c: die() (SIGTERM) raises FATAL
// 57P01 at the next interrupt check; quickdie() (SIGQUIT) sends WARNING
// 57P01 or 57P02 from the signal handler and exits.
enum class BrokenStatement {
  // PostgreSQL ended the session itself with FATAL 57P01 (a backend told to
  // terminate, as pg_terminate_backend and a fast shutdown or restart do)
  // before it answered the statement: it acts on that only between
  // statements or at an interrupt check inside one, never after the commit,
  // so the statement was rolled back or never read. Or the statement never
  // left this process. Safe to run again.
  kNotApplied,
  // Anything else, among them a connection that went away without a word,
  // and the WARNINGs 57P01 and 57P02 of an immediate shutdown or another
  // backend's crash, which a signal handler sends at any moment, after a
  // commit too: the statement may or may not have been committed.
  kOutcomeUnknown,
};

// `session_ended_while_idle`: the server's FATAL 57P01 reached the connection
// between statements (libpq hands it to the notice processor then) before
// the statement was sent: the statement was never read. A FATAL seen as a
// notice after the statement was sent came after its answer, maybe after
// its commit, and must not be passed as true.
BrokenStatement ClassifyBrokenStatement(std::string_view libpq_error,
                                        bool session_ended_while_idle);

// True for a verbose server message "FATAL:  57P01: ...": the server ended
// the session at an interrupt check. The severity is matched in English; a
// server whose messages are translated gets kOutcomeUnknown, the safe answer.
bool EndsSession(std::string_view server_message);

}  // namespace photoflow::db
