#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <memory>
#include <string_view>

#include <grpcpp/server.h>
#include <prometheus/registry.h>
#include <boost/asio/thread_pool.hpp>

#include "api/call_authorizer.hpp"
#include "api/call_runner.hpp"
#include "api/comment_service.hpp"
#include "api/protobuf_log.hpp"
#include "api/task_service.hpp"
#include "api/watch_hub.hpp"
#include "app/call_log.hpp"
#include "app/health_monitor.hpp"
#include "auth/token_registry.hpp"
#include "common/periodic_task.hpp"
#include "config/config.hpp"
#include "db/pool.hpp"
#include "log/logger.hpp"
#include "metrics/batch_metrics.hpp"
#include "metrics/caller_metrics.hpp"
#include "metrics/database_stats_collector.hpp"
#include "metrics/metrics_endpoint.hpp"
#include "metrics/pool_metrics.hpp"
#include "metrics/process_metrics.hpp"
#include "metrics/rpc_metrics.hpp"
#include "metrics/statement_metrics.hpp"
#include "metrics/watch_metrics.hpp"

namespace photoflow::app {

// The grpc.health.v1 service name that reports the process, not the
// database: what Kubernetes' livenessProbe asks for (deploy/k8s/).
inline constexpr std::string_view kLivenessService = "liveness";

// The whole service: connection pool, worker pool, gRPC services, health,
// reflection and the Prometheus endpoint. Used by main() and, in-process, by
// the end-to-end tests.
class PhotoflowServer {
 public:
  PhotoflowServer(const config::Config& config, log::Logger& logger);
  ~PhotoflowServer();
  PhotoflowServer(const PhotoflowServer&) = delete;
  PhotoflowServer& operator=(const PhotoflowServer&) = delete;

  // Binds and starts serving gRPC and /metrics; throws std::runtime_error
  // when it cannot listen.
  void Start();

  // The bound ports (useful with ":0" listen addresses); metrics_port() is 0
  // when metrics are off.
  int port() const { return port_; }
  int metrics_port() const { return metrics_endpoint_ ? metrics_endpoint_->port() : 0; }

  // Health goes NOT_SERVING, new calls are refused, in-flight calls get up to
  // `grace` to finish; after that waiting calls fail and running statements
  // are cancelled, so shutdown is bounded. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // Re-reads the tokens file now (SIGHUP). gRPC re-reads the TLS files on
  // its own, every reload_interval.
  void ReloadCredentials();

  db::ConnectionPool& pool() { return pool_; }
  // nullptr when metrics are off.
  metrics::DatabaseStatsCollector* database_stats() { return database_stats_.get(); }

 private:
  void LogReload(const auth::TokenRegistry::ReloadResult& result);

  const config::Config config_;
  log::Logger& logger_;
  // libprotobuf's own warnings go to the JSON log while the server exists.
  api::ProtobufLogRoute protobuf_log_{logger_};
  // Metrics first: the pool reports to them until it is destroyed.
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  metrics::RpcMetrics rpc_metrics_{*registry_};
  metrics::PoolMetrics pool_metrics_{*registry_};
  metrics::StatementMetrics statement_metrics_{*registry_};
  metrics::BatchMetrics batch_metrics_{*registry_};
  metrics::WatchMetrics watch_metrics_{*registry_};
  // Authentication: the tokens file, when one is configured.
  std::unique_ptr<auth::TokenRegistry> tokens_;
  api::CallAuthorizer authorizer_{tokens_.get()};
  // Per token caller: without tokens every peer would look like one proxy.
  std::unique_ptr<api::CallerLimits> caller_limits_;
  std::unique_ptr<metrics::CallerMetrics> caller_metrics_;
  CallLog call_log_;
  // Both before pool_, which posts to them. Workers run SQL, one per
  // connection; the single timer thread runs pool timeouts and refusals, which
  // must fire even while every worker is busy.
  boost::asio::thread_pool workers_;
  boost::asio::thread_pool pool_timers_{1};
  // PQcancel for calls their clients cancelled (it may block, gRPC's threads
  // must not), and the shutdown deadline, whose work is cancelling.
  boost::asio::thread_pool cancellations_{1};
  // Periodic work: the health probe and the statistics refresh. Both wait on
  // PostgreSQL, so one stuck on the network would hold up the other anyway.
  boost::asio::thread_pool housekeeping_{1};
  db::ConnectionPool pool_;
  api::CallRunner runner_;
  // WatchTasks' fan-out: its own thread and LISTEN connection; reads through pool_.
  api::watch::WatchHub watch_hub_;
  api::MethodContext methods_{runner_, authorizer_, caller_limits_.get(), &watch_hub_};
  api::TaskService task_service_;
  api::CommentService comment_service_;
  std::shared_ptr<metrics::PoolGauges> pool_gauges_;
  std::shared_ptr<metrics::ProcessMetrics> process_metrics_;
  std::unique_ptr<metrics::DatabaseStatsCollector> database_stats_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthMonitor> health_monitor_;
  std::unique_ptr<common::PeriodicTask> tokens_reload_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace photoflow::app
