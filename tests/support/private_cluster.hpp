#pragma once

#include <string>

#include "support/temp_dir.hpp"

namespace photoflow::testing {

// A throwaway PostgreSQL 15 cluster of one test's own, driven by the same
// script as the development one (deploy/local/pg.sh), for tests that stop or
// crash PostgreSQL: stopping the shared one would break the tests beside them.
class PrivateCluster {
 public:
  enum class Durability { kFast, kDurable };
  // How PostgreSQL stops (pg_ctl -m): fast rolls back open transactions and
  // closes connections; immediate is a crash, recovered from the WAL.
  enum class StopMode { kFast, kImmediate };

  // kDurable keeps fsync and synchronous_commit on, so that an immediate
  // stop loses nothing PostgreSQL acknowledged.
  explicit PrivateCluster(Durability durability = Durability::kFast);
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  // Starts the cluster (creating it the first time) and returns its
  // DATABASE_URL (the owner's); throws std::runtime_error when it cannot.
  std::string Start();
  // Stops it; throws std::runtime_error when pg.sh fails.
  void Stop(StopMode mode = StopMode::kFast);

 private:
  int Run(const std::string& command, const std::string& stop_mode = "fast",
          std::string* output = nullptr) const;

  TempDir dir_;
  int port_;
  Durability durability_;
};

}  // namespace photoflow::testing
