#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/health_check_service_interface.h>
#include <boost/asio/any_io_executor.hpp>

#include "common/periodic_task.hpp"
#include "db/pool.hpp"
#include "log/logger.hpp"

namespace photoflow::app {

// Keeps grpc.health.v1 truthful: SERVING only while PostgreSQL answers a probe.
// Probes at start and then every `interval`, on the `housekeeping` executor
// and on a connection of its own: a saturated pool is load, not an outage,
// and must not take the instance out of rotation. While NOT_SERVING it probes
// every kRecoveryProbeInterval instead (when that is shorter), so that the
// instance is back in rotation, and the pool's reconnect backoff over (a
// successful probe connection ends it), soon after PostgreSQL is back.
class HealthMonitor {
 public:
  static constexpr std::chrono::milliseconds kRecoveryProbeInterval{500};

  HealthMonitor(db::ConnectionPool& pool, grpc::HealthCheckServiceInterface& health,
                std::vector<std::string> services, const boost::asio::any_io_executor& housekeeping,
                std::chrono::milliseconds interval, log::Logger& logger);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Runs the first probe before returning, so that a server starts with an
  // accurate status.
  void Start();
  void Stop();

 private:
  void ProbeOnce();
  // Runs SELECT 1, reconnecting first when needed; returns the failure, if any.
  std::optional<std::string> Probe();

  db::ConnectionPool& pool_;
  // Used by one probe at a time (PeriodicTask never overlaps its runs).
  std::unique_ptr<db::PooledConnection> connection_;
  grpc::HealthCheckServiceInterface& health_;
  const std::vector<std::string> services_;
  log::Logger& logger_;

  std::mutex mutex_;
  bool stopping_ = false;
  std::optional<bool> serving_;
  const std::chrono::milliseconds interval_;
  // When the last probe ran: written by Start before the task starts, then
  // by the task alone (its runs never overlap).
  std::chrono::steady_clock::time_point last_probe_;
  common::PeriodicTask task_;
};

}  // namespace photoflow::app
