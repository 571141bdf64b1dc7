#pragma once

#include <exception>
#include <future>
#include <memory>
#include <utility>

#include "db/pool.hpp"

namespace photoflow::testing {

// Waits for a connection from `pool` (as the server's calls do, but blocking
// the caller); rethrows the pool's failure.
inline db::ConnectionPool::Lease AcquireLease(db::ConnectionPool& pool) {
  std::promise<std::unique_ptr<db::ConnectionPool::Lease>> result;
  pool.AsyncAcquire(
      {},
      [&](db::ConnectionPool::Lease lease) {
        result.set_value(std::make_unique<db::ConnectionPool::Lease>(std::move(lease)));
      },
      [&](std::exception_ptr error) { result.set_exception(std::move(error)); });
  return std::move(*result.get_future().get());
}

}  // namespace photoflow::testing
