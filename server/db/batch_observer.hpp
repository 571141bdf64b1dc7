#pragma once

#include <cstddef>
#include <string_view>

namespace photoflow::db {

// Told how many calls each batched statement served (api::CallBatch: calls of
// one method that waited for a connection together share one statement), for
// metrics. Called on a worker: implementations must be quick and thread-safe.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // `method` ("GetTask", ...) ran once for `calls` calls (1: alone).
  virtual void BatchRan(std::string_view method, std::size_t calls) = 0;
};

}  // namespace photoflow::db
