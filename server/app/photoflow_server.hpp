#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <chrono>
#include <memory>

#include <grpcpp/server.h>
#include <boost/asio/thread_pool.hpp>

#include "api/call_runner.hpp"
#include "api/comment_service.hpp"
#include "api/task_service.hpp"
#include "app/health_monitor.hpp"
#include "config/config.hpp"
#include "db/pool.hpp"
#include "log/logger.hpp"

namespace photoflow::app {

// The whole service: connection pool, worker pool, gRPC services, health and
// reflection. Used by main() and, in-process, by the end-to-end tests.
class PhotoflowServer {
 public:
  PhotoflowServer(const config::Config& config, log::Logger& logger);
  ~PhotoflowServer();
  PhotoflowServer(const PhotoflowServer&) = delete;
  PhotoflowServer& operator=(const PhotoflowServer&) = delete;

  // Binds and starts serving; throws std::runtime_error when it cannot listen.
  void Start();

  // The bound port (useful with a ":0" listen address).
  int port() const { return port_; }

  // Health goes NOT_SERVING, new calls are refused, in-flight calls get up to
  // `grace` to finish; after that waiting calls fail and running statements
  // are cancelled, so shutdown is bounded. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  db::ConnectionPool& pool() { return pool_; }

 private:
  const config::Config config_;
  log::Logger& logger_;
  // Both before pool_, which posts to them. Workers run SQL, one per
  // connection; the single timer thread runs pool timeouts and refusals, which
  // must fire even while every worker is busy.
  boost::asio::thread_pool workers_;
  boost::asio::thread_pool pool_timers_{1};
  db::ConnectionPool pool_;
  api::CallRunner runner_;
  api::TaskService task_service_;
  api::CommentService comment_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthMonitor> health_monitor_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace photoflow::app
