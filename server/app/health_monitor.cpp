#include "app/health_monitor.hpp"

#include <algorithm>

#include <pqxx/nontransaction>

namespace photoflow::app {

HealthMonitor::HealthMonitor(db::ConnectionPool& pool, grpc::HealthCheckServiceInterface& health,
                             std::vector<std::string> services,
                             const boost::asio::any_io_executor& housekeeping,
                             std::chrono::milliseconds interval, log::Logger& logger)
    : pool_(pool),
      health_(health),
      services_(std::move(services)),
      logger_(logger),
      interval_(interval),
      task_(housekeeping, std::min(interval, kRecoveryProbeInterval), [this] {
        // Every tick while not serving; every `interval` while serving.
        bool serving = false;
        {
          const std::lock_guard lock(mutex_);
          serving = serving_.value_or(false);
        }
        if (serving && std::chrono::steady_clock::now() - last_probe_ < interval_) return;
        ProbeOnce();
      }) {}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Start() {
  ProbeOnce();
  task_.Start();
}

void HealthMonitor::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  task_.Stop();
}

std::optional<std::string> HealthMonitor::Probe() {
  try {
    if (!connection_ || !connection_->is_open()) connection_ = pool_.OpenUnpooled();
    pqxx::nontransaction(*connection_).exec("SELECT 1");
    return std::nullopt;
  } catch (const std::exception& error) {
    connection_.reset();  // reconnect on the next probe
    return error.what();
  }
}

void HealthMonitor::ProbeOnce() {
  last_probe_ = std::chrono::steady_clock::now();
  const std::optional<std::string> problem = Probe();
  const bool serving = !problem.has_value();
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return;  // shutting down: NOT_SERVING is already final
    if (serving_ == serving) return;
    serving_ = serving;
  }
  // By name, "" (the server as a whole) included: the nameless overload
  // would also set "liveness", which reports the process, not the database.
  health_.SetServingStatus("", serving);
  for (const std::string& service : services_) health_.SetServingStatus(service, serving);
  if (serving) {
    logger_.Info("health_serving");
  } else {
    logger_.Warn("health_not_serving", {{"reason", *problem}});
  }
}

}  // namespace photoflow::app
