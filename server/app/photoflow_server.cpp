#include "app/photoflow_server.hpp"

#include <stdexcept>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "api/mapping.hpp"
#include "app/tls_credentials.hpp"
#include "common/periodic_task.hpp"

namespace photoflow::app {
namespace {

// gRPC adds its reflection plugin to every builder once it is initialised
// (process-wide); this option takes it out of one server's builder.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins,
                  [](const auto& plugin) { return plugin->name() == "proto_server_reflection"; });
  }
};

std::unique_ptr<auth::TokenRegistry> LoadTokens(const config::Config& config) {
  if (config.auth_tokens_file.empty()) return nullptr;
  return std::make_unique<auth::TokenRegistry>(config.auth_tokens_file);
}

const char* TlsMode(const config::TlsFiles& tls) {
  if (!tls.enabled()) return "off";
  return tls.client_ca_file.empty() ? "tls" : "mtls";
}

}  // namespace

PhotoflowServer::PhotoflowServer(const config::Config& config, log::Logger& logger)
    : config_(config),
      logger_(logger),
      tokens_(LoadTokens(config)),
      caller_limits_(tokens_ && config.max_calls_per_caller > 0
                         ? std::make_unique<api::CallerLimits>(config.max_calls_per_caller)
                         : nullptr),
      caller_metrics_(tokens_ ? std::make_unique<metrics::CallerMetrics>(*registry_) : nullptr),
      call_log_(logger, config.access_log, caller_metrics_.get()),
      workers_(static_cast<size_t>(config.connection_limit)),
      pool_(db::PoolOptions{.libpq_url = config.database.libpq_url,
                            .schema = config.database.schema,
                            .max_connections = config.connection_limit,
                            .acquire_timeout = config.pool_timeout,
                            .max_waiters = config.pool_max_waiters,
                            .max_lifetime = config.pool_max_lifetime,
                            .session_state = !config.database.pgbouncer,
                            .observer = &pool_metrics_,
                            .statements = &statement_metrics_},
            workers_.get_executor(), pool_timers_.get_executor(), logger),
      runner_(pool_, cancellations_.get_executor(), logger,
              {.max_calls = config.batch_max_calls, .observer = &batch_metrics_},
              // Only with something to tell: no per-call cost otherwise.
              config.access_log || tokens_ ? &call_log_ : nullptr),
      watch_hub_(pool_, config.database.schema, /*listen=*/!config.database.pgbouncer,
                 {.poll_interval = config.watch_poll_interval,
                  .batch_window = config.watch_batch_window,
                  .bookmark_interval = config.watch_bookmark_interval,
                  .retention = config.watch_retention,
                  .retention_rows = config.watch_retention_rows,
                  .max_buffered_events = static_cast<size_t>(config.watch_buffer_events)},
                 pool_timers_.get_executor(), logger, &watch_metrics_),
      task_service_(methods_),
      comment_service_(methods_),
      pool_gauges_(std::make_shared<metrics::PoolGauges>([this] { return pool_.stats(); })),
      process_metrics_(
          std::make_shared<metrics::ProcessMetrics>(metrics::ProcessMetrics::CurrentBuild())) {
  // A field registry that disagrees with the proto stops the server here,
  // not in the first call that touches the field.
  api::TaskBinding();
  api::CommentBinding();
  rpc_metrics_.AddService(v1::TaskService::service_full_name());
  rpc_metrics_.AddService(v1::CommentService::service_full_name());
  rpc_metrics_.AddService("grpc.reflection.v1alpha.ServerReflection");
  // libgrpc++'s health service is not in the protobuf pool.
  rpc_metrics_.AddMethod({.service = "grpc.health.v1.Health", .name = "Check", .type = "unary"});
  rpc_metrics_.AddMethod(
      {.service = "grpc.health.v1.Health", .name = "Watch", .type = "server_stream"});
}

PhotoflowServer::~PhotoflowServer() { Shutdown(std::chrono::milliseconds(0)); }

void PhotoflowServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  if (!config_.metrics_listen_address.empty()) {
    metrics_endpoint_ = std::make_unique<metrics::MetricsEndpoint>(config_.metrics_listen_address);
    metrics_endpoint_->Register(registry_);
    metrics_endpoint_->Register(pool_gauges_);
    metrics_endpoint_->Register(process_metrics_);
    database_stats_ = std::make_unique<metrics::DatabaseStatsCollector>(
        *registry_, [this] { return pool_.OpenUnpooled(); }, config_.database.schema,
        housekeeping_.get_executor(), config_.db_stats_interval, logger_);
  }
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(rpc_metrics_.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  CheckTlsFiles(config_.tls);
  builder.AddListeningPort(config_.listen_address,
                           ServerCredentialsFor(config_.tls, config_.reload_interval), &port_);
  if (!config_.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  // Limits that keep one client from hurting the rest (docs/operations.md).
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config_.max_concurrent_streams);
  // Keepalive: the server pings an idle connection every minute and drops it
  // when 20 s pass without an answer; a client may ping at most every 10 s
  // (more often, twice, and gRPC closes its connection: GOAWAY
  // ENHANCE_YOUR_CALM), also without calls in flight.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // A Service spreads connections, not calls: an aged connection gets GOAWAY
  // and the client reconnects, possibly to a newer replica (docs/operations.md).
  if (config_.max_connection_age.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(config_.max_connection_age.count()));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               static_cast<int>(config_.max_connection_age_grace.count()));
  }
  builder.RegisterService(&task_service_);
  builder.RegisterService(&comment_service_);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port_ == 0) {
    throw std::runtime_error("cannot listen on " + config_.listen_address);
  }
  server_ = std::move(server);
  // "liveness": SERVING while the process serves, whatever the database does,
  // for probes that restart a stuck process (Kubernetes' livenessProbe) and
  // must not restart every replica during a PostgreSQL outage. Shutdown()
  // turns it NOT_SERVING with the rest.
  server_->GetHealthCheckService()->SetServingStatus(std::string(kLivenessService), true);
  health_monitor_ = std::make_unique<HealthMonitor>(
      pool_, *server_->GetHealthCheckService(),
      std::vector<std::string>{v1::TaskService::service_full_name(),
                               v1::CommentService::service_full_name()},
      housekeeping_.get_executor(), config_.health_check_interval, logger_);
  health_monitor_->Start();
  watch_hub_.Start();
  if (database_stats_) database_stats_->Start();
  if (tokens_) {
    tokens_reload_ = std::make_unique<common::PeriodicTask>(
        housekeeping_.get_executor(), config_.reload_interval,
        [this] { LogReload(tokens_->Reload(/*force=*/false)); });
    tokens_reload_->Start();
  } else {
    logger_.Warn("authentication_off",
                 {{"message",
                   "every client may call every method: set PHOTOFLOW_AUTH_TOKENS_FILE "
                   "(docs/security.md)"}});
  }
  if (!config_.tls.enabled() && !IsLoopback(config_.listen_address)) {
    logger_.Warn("plaintext",
                 {{"listen", config_.listen_address},
                  {"message",
                   "gRPC is served without TLS on a non-loopback address: anyone on the network "
                   "can read and change the traffic (set PHOTOFLOW_TLS_CERT and "
                   "PHOTOFLOW_TLS_KEY)"}});
  }
  logger_.Info("serving",
               {{"listen", config_.listen_address},
                {"port", port_},
                {"tls", TlsMode(config_.tls)},
                {"auth", tokens_ ? "tokens" : "off"},
                {"metrics_port", metrics_port()},
                {"database", config_.database.redacted},
                {"connection_limit", config_.connection_limit},
                {"pool_timeout_ms", static_cast<int64_t>(config_.pool_timeout.count())}});
}

void PhotoflowServer::ReloadCredentials() {
  if (!tokens_) return;
  LogReload(tokens_->Reload(/*force=*/true));
}

void PhotoflowServer::LogReload(const auth::TokenRegistry::ReloadResult& result) {
  if (!result.error.empty()) {
    logger_.Error("tokens_reload_failed",
                  {{"file", tokens_->path()},
                   {"error", result.error},
                   {"tokens_in_force", static_cast<int64_t>(result.tokens)}});
  } else if (result.reloaded) {
    logger_.Info("tokens_reloaded",
                 {{"file", tokens_->path()}, {"tokens", static_cast<int64_t>(result.tokens)}});
  }
}

void PhotoflowServer::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_) {
    logger_.Info("shutting_down", {{"grace_ms", static_cast<int64_t>(grace.count())}});
    health_monitor_->Stop();
    if (tokens_reload_) tokens_reload_->Stop();
    if (database_stats_) database_stats_->Stop();
    server_->GetHealthCheckService()->Shutdown();
    // Streams end with UNAVAILABLE ("resume with your token") before gRPC
    // waits for them: a stream never ends on its own.
    watch_hub_.Stop();
    // gRPC cancels the calls still running at the deadline but then waits for
    // their reactors; a statement stuck on a lock would wait forever. So, once
    // the grace period is over, the pool fails its waiters and cancels every
    // running statement.
    common::DeadlineTask enforcer(
        cancellations_.get_executor(), std::chrono::steady_clock::now() + grace, [this] {
          logger_.Warn("shutdown_grace_expired", {{"pool_in_use", pool_.stats().in_use}});
          pool_.CancelAll();
        });
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
    enforcer.Cancel();
  }
  housekeeping_.join();
  workers_.join();
  pool_timers_.join();
  cancellations_.join();
  if (server_) logger_.Info("stopped");
}

}  // namespace photoflow::app
