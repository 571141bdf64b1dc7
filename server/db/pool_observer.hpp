#pragma once

#include <chrono>

namespace photoflow::db {

// What the pool reports as it works, for metrics. The pool calls these on
// whatever thread it is on, sometimes under its mutex: implementations must be
// quick, thread-safe and must not call back into the pool.
class PoolObserver {
 public:
  // Why a wait for a connection ended without one.
  enum class AcquireFailure {
    kPoolTimeout,     // pool_timeout passed
    kDeadline,        // the call's deadline passed first
    kTooManyWaiters,  // PHOTOFLOW_POOL_MAX_WAITERS calls were waiting already
    kUnavailable,     // PostgreSQL could not be reached
  };
  // Why a connection was closed.
  enum class CloseReason {
    kBroken,       // it broke while leased (also: lost during COMMIT)
    kStale,        // idle when another connection broke (a restart breaks them all)
    kMaxLifetime,  // older than the configured maximum lifetime
  };

  virtual ~PoolObserver() = default;

  // A call got a connection after waiting `waited` (opening one included).
  virtual void ConnectionAcquired(std::chrono::steady_clock::duration waited) = 0;
  virtual void AcquireFailed(AcquireFailure failure) = 0;
  virtual void ConnectionOpened() = 0;
  virtual void ConnectionClosed(CloseReason reason) = 0;
  // PostgreSQL refused or did not answer a connection attempt.
  virtual void ConnectFailed() = 0;
};

// For pools nobody watches (tools, tests).
class NullPoolObserver final : public PoolObserver {
 public:
  void ConnectionAcquired(std::chrono::steady_clock::duration /*waited*/) override {}
  void AcquireFailed(AcquireFailure /*failure*/) override {}
  void ConnectionOpened() override {}
  void ConnectionClosed(CloseReason /*reason*/) override {}
  void ConnectFailed() override {}
};

}  // namespace photoflow::db
