#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/health_check_service_interface.h>

#include "db/database.hpp"
#include "log/logger.hpp"

namespace photoflow::app {

// Keeps grpc.health.v1 truthful: SERVING only while PostgreSQL answers a probe.
// Probes at start and then every `interval` on its own thread, so a saturated
// worker pool cannot delay it.
class HealthMonitor {
 public:
  HealthMonitor(db::Database& database, grpc::HealthCheckServiceInterface& health,
                std::vector<std::string> services, std::chrono::milliseconds interval,
                log::Logger& logger);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Runs the first probe before returning, so that a server starts with an
  // accurate status.
  void Start();
  void Stop();

 private:
  void ProbeOnce();
  void Run();

  db::Database& database_;
  grpc::HealthCheckServiceInterface& health_;
  const std::vector<std::string> services_;
  const std::chrono::milliseconds interval_;
  log::Logger& logger_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<bool> serving_;
  std::thread thread_;
};

}  // namespace photoflow::app
