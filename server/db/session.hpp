#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "db/pool.hpp"
#include "db/transaction.hpp"

namespace photoflow::db {

// One call's use of one pooled connection, bounded by the call's deadline.
// Blocking: runs on a worker thread, which holds the connection.
class Session {
 public:
  using Clock = ConnectionPool::Clock;
  // Read-write, READ COMMITTED: row locks decide what concurrent writers see.
  using WriteTransaction = pqxx::transaction<pqxx::read_committed, pqxx::read_write>;
  // Read-only snapshot: every statement of a read sees the same data (a task
  // and its comments agree with its comment counter).
  using ReadTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

  Session(ConnectionPool& pool, ConnectionPool::Lease& lease,
          std::optional<Clock::time_point> deadline)
      : pool_(pool), lease_(lease), deadline_(deadline) {}

  // Runs `work(db::Transaction&)` in one transaction and commits it
  // when `work` returns; an exception rolls everything back and propagates.
  template <typename Work>
  auto Write(Work&& work) {
    return Run<WriteTransaction>(std::forward<Work>(work));
  }
  template <typename Work>
  auto Read(Work&& work) {
    return Run<ReadTransaction>(std::forward<Work>(work));
  }

  // For a read that is one statement: runs `work` without BEGIN and COMMIT
  // (one statement is one snapshot anyway), so the call costs one round trip.
  // The deadline is checked before it starts; a statement still running at
  // the deadline is cancelled by the call's own cancel (PQcancel), not by a
  // statement_timeout that would cost a round trip to set. Behind PgBouncer,
  // where each transaction sets its own search_path, this is a Read.
  template <typename Work>
  auto ReadStatement(Work&& work) {
    if (!lease_.connection().session_state()) return Read(std::forward<Work>(work));
    return Run<pqxx::nontransaction>(std::forward<Work>(work));
  }

  // For a write that is one statement (an INSERT, UPDATE or DELETE, with CTEs
  // if it changes several rows, which PostgreSQL applies atomically): runs
  // `work` without BEGIN and COMMIT, so the call costs one round trip. The
  // deadline binds it as it binds ReadStatement. A connection that breaks
  // under the statement is replaced and the statement run again only when
  // PostgreSQL says it rolled it back (BrokenStatement); otherwise the call
  // fails with statement_completion_unknown. `work` may run more than one
  // statement, each committed on its own: only when the later ones just
  // decide the answer (an Exists after an UPDATE found nothing). Behind
  // PgBouncer this is a Write.
  template <typename Work>
  auto WriteStatement(Work&& work) {
    if (!lease_.connection().session_state()) return Write(std::forward<Work>(work));
    return Run<pqxx::nontransaction, kAutocommitWrite>(std::forward<Work>(work));
  }

  // The name of the statement that ran last: after a failure, the one that
  // failed (for logs).
  std::string_view last_query() const { return last_query_; }

 private:
  // A connection that broke before anything was committed (a restarted
  // PostgreSQL leaves every pooled connection dead) is replaced in place and
  // the work retried once, so a restart costs no failed call; a transaction
  // rolled back by a serialization failure or deadlock is retried once too.
  // `work` may therefore run twice: it must only read and write the database.
  static constexpr bool kAutocommitWrite = true;

  template <typename PqxxTransaction, bool autocommit_write = false, typename Work>
  auto Run(Work&& work) -> std::invoke_result_t<Work&, Transaction&> {
    for (int attempt = 0;; ++attempt) {
      // For an autocommit write: whether its statement may have reached the
      // server (what breaks the connection before that is harmless).
      bool sent = false;
      try {
        last_query_ = "begin";
        PqxxTransaction pqxx_transaction(lease_.connection());
        Transaction transaction(pqxx_transaction, lease_.connection(), &last_query_);
        if constexpr (std::is_same_v<PqxxTransaction, pqxx::nontransaction>) {
          CheckDeadline();
        } else if constexpr (std::is_same_v<PqxxTransaction, ReadTransaction>) {
          // A read's statements are bounded by the call's cancel, repeated
          // until the call lets go of its connection: no set_config round
          // trip. Behind PgBouncer the settings still come first.
          if (lease_.connection().session_state()) {
            CheckDeadline();
          } else {
            ApplySettings(transaction);
          }
        } else {
          ApplySettings(transaction);
        }
        if constexpr (autocommit_write) {
          lease_.connection().ThrowIfEndedWhileIdle();
          sent = true;
        }
        if constexpr (std::is_void_v<std::invoke_result_t<Work&, Transaction&>>) {
          work(transaction);
          last_query_ = "commit";
          pqxx_transaction.commit();
          return;
        } else {
          auto result = work(transaction);
          last_query_ = "commit";
          pqxx_transaction.commit();
          return result;
        }
      } catch (const pqxx::in_doubt_error&) {
        lease_.Discard();
        throw;
      } catch (const pqxx::statement_completion_unknown&) {
        throw;
      } catch (const pqxx::transaction_rollback&) {
        // Serialization failure or deadlock (40001, 40P01): PostgreSQL rolled
        // everything back, so one more try is safe; a second conflict is ABORTED.
        if (attempt > 0) throw;
      } catch (const pqxx::broken_connection&) {
        lease_.Discard();  // also if Reconnect below fails
        if constexpr (autocommit_write) {
          if (sent) ThrowUnlessNotApplied();
        }
        if (!lease_.reused() || attempt > 0) throw;
        pool_.DiscardIdle();
        lease_.Reconnect();
      }
    }
  }

  // The call's remaining time bounds every statement, lock waits included;
  // PostgreSQL cancels a statement that runs past it (SQLSTATE 57014). Without
  // session state (PgBouncer) the transaction also sets the time zone and
  // search_path that pooled sessions otherwise keep. All SET LOCAL: nothing
  // outlives the transaction.
  void ApplySettings(Transaction& transaction) const;
  // Throws DeadlineExceeded when the call's deadline has passed.
  void CheckDeadline() const;
  // After an autocommit write broke its connection: returns when PostgreSQL
  // rolled the statement back, throws statement_completion_unknown when its
  // outcome is unknown.
  void ThrowUnlessNotApplied() const;

  ConnectionPool& pool_;
  ConnectionPool::Lease& lease_;
  std::optional<Clock::time_point> deadline_;
  std::string_view last_query_;
};

}  // namespace photoflow::db
