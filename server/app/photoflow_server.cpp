#include "app/photoflow_server.hpp"

#include <stdexcept>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

namespace photoflow::app {

PhotoflowServer::PhotoflowServer(const config::Config& config, log::Logger& logger)
    : config_(config),
      logger_(logger),
      pool_(db::PoolOptions{.libpq_url = config.database.libpq_url,
                            .schema = config.database.schema,
                            .max_connections = config.connection_limit,
                            .acquire_timeout = config.pool_timeout},
            logger),
      database_(pool_),
      // One worker per connection: a worker holds its connection for the whole
      // unit of work, so more workers would only queue on the pool.
      workers_(static_cast<size_t>(config.connection_limit)),
      runner_(workers_, logger),
      task_service_(database_, runner_),
      comment_service_(database_, runner_) {}

PhotoflowServer::~PhotoflowServer() { Shutdown(std::chrono::milliseconds(0)); }

void PhotoflowServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.listen_address, grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&task_service_);
  builder.RegisterService(&comment_service_);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    throw std::runtime_error("cannot listen on " + config_.listen_address);
  }
  health_monitor_ = std::make_unique<HealthMonitor>(
      pool_, *server_->GetHealthCheckService(),
      std::vector<std::string>{v1::TaskService::service_full_name(),
                               v1::CommentService::service_full_name()},
      config_.health_check_interval, logger_);
  health_monitor_->Start();
  logger_.Info("serving",
               {{"listen", config_.listen_address},
                {"port", port_},
                {"database", config_.database.redacted},
                {"connection_limit", config_.connection_limit},
                {"pool_timeout_ms", static_cast<int64_t>(config_.pool_timeout.count())}});
}

void PhotoflowServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_) {
    logger_.Info("shutting_down", {{"grace_ms", static_cast<int64_t>(grace.count())}});
    health_monitor_->Stop();
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
  }
  workers_.join();
  if (server_) logger_.Info("stopped");
}

}  // namespace photoflow::app
