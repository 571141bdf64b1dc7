#pragma once

#include <string_view>

namespace photoflow::db {

// What became of a statement run outside a transaction (autocommit) when its
// connection broke, told from libpq's last error on the connection
// (PooledConnection::LastError, verbose: with the server's SQLSTATE).
enum class BrokenStatement {
  // PostgreSQL ended the session itself (terminated by an administrator,
  // shut down, or another backend crashed: FATAL 57P01, 57P02, 57P03) before
  // it answered the statement, which it therefore rolled back; or the
  // statement never left this process. Safe to run again.
  kNotApplied,
  // The connection went away without a word from the server: the statement
  // may or may not have been committed.
  kOutcomeUnknown,
};

// `session_ended_while_idle`: the server's FATAL (57P01-03) reached the
// connection between statements (libpq hands it to the notice processor
// then): the statement was never read.
BrokenStatement ClassifyBrokenStatement(std::string_view libpq_error,
                                        bool session_ended_while_idle);

// True for a verbose server message that ends the session: FATAL 57P01
// (terminated by an administrator), 57P02 (crash of another backend) or 57P03
// (the server is shutting down or starting).
bool EndsSession(std::string_view server_message);

}  // namespace photoflow::db
