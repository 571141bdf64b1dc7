#include "metrics/rpc_metrics.hpp"

#include <chrono>

#include <google/protobuf/descriptor.h>

namespace photoflow::metrics {
namespace {

using Clock = std::chrono::steady_clock;

// grpc::StatusCode names as go-grpc-prometheus prints them (codes.Code.String()).
constexpr std::array<const char*, 17> kCodeNames = {
    "OK",       "Canceled",        "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",   "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",      "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated",
};
}  // namespace

std::string_view GrpcCodeLabel(int code) {
  return code >= 0 && static_cast<std::size_t>(code) < kCodeNames.size()
             ? kCodeNames.at(static_cast<std::size_t>(code))
             : "Unknown";
}

namespace {

// Prometheus' default buckets, as go-grpc-prometheus uses them.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

// One call's measurements. gRPC creates it when the call arrives and destroys
// it when the call is over.
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit CallInterceptor(const RpcMetrics::MethodSeries& series) : series_(series) {
    series_.started->Increment();
  }
  ~CallInterceptor() override {
    // A call that ended without sending a status (the client went away
    // first) counts as cancelled, as in go-grpc-prometheus.
    if (!handled_) Handled(grpc::StatusCode::CANCELLED);
  }
  CallInterceptor(const CallInterceptor&) = delete;
  CallInterceptor& operator=(const CallInterceptor&) = delete;

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      series_.received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE)) series_.sent->Increment();
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS) && !handled_) {
      Handled(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Handled(grpc::StatusCode code) {
    handled_ = true;
    const auto index = static_cast<std::size_t>(code);
    series_.handled
        .at(index < series_.handled.size() ? index
                                           : static_cast<std::size_t>(grpc::StatusCode::UNKNOWN))
        ->Increment();
    series_.handling->Observe(std::chrono::duration<double>(Clock::now() - started_).count());
  }

  const RpcMetrics::MethodSeries& series_;
  const Clock::time_point started_ = Clock::now();
  bool handled_ = false;
};

class InterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit InterceptorFactory(const RpcMetrics& metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const RpcMetrics::MethodSeries* series =
        info->method() != nullptr ? metrics_.Find(info->method()) : nullptr;
    return series != nullptr ? new CallInterceptor(*series) : nullptr;  // gRPC deletes it
  }

 private:
  const RpcMetrics& metrics_;
};

}  // namespace

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or "
                         "failure.")
                   .Register(registry)),
      received_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_received_total")
                    .Help("Total number of RPC stream messages received on the server.")
                    .Register(registry)),
      sent_(prometheus::BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Total number of gRPC stream messages sent by the server.")
                .Register(registry)),
      handling_(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Histogram of response latency (seconds) of gRPC that had been "
                          "application-level handled by the server.")
                    .Register(registry)) {}

void RpcMetrics::AddMethod(const Method& method) {
  const prometheus::Labels labels = {
      {"grpc_type", method.type}, {"grpc_service", method.service}, {"grpc_method", method.name}};
  MethodSeries series;
  series.started = &started_.Add(labels);
  series.received = &received_.Add(labels);
  series.sent = &sent_.Add(labels);
  series.handling = &handling_.Add(labels, HandlingBuckets());
  for (std::size_t code = 0; code < kCodeNames.size(); ++code) {
    prometheus::Labels with_code = labels;
    with_code.emplace("grpc_code", kCodeNames.at(code));
    series.handled.at(code) = &handled_.Add(with_code);
  }
  methods_.insert_or_assign("/" + method.service + "/" + method.name, series);
}

bool RpcMetrics::AddService(std::string_view service) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor == nullptr) return false;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = descriptor->method(i);
    const char* type = method->client_streaming()
                           ? (method->server_streaming() ? "bidi_stream" : "client_stream")
                           : (method->server_streaming() ? "server_stream" : "unary");
    AddMethod(Method{.service = descriptor->full_name(), .name = method->name(), .type = type});
  }
  return true;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcMetrics::InterceptorFactory() const {
  return std::make_unique<metrics::InterceptorFactory>(*this);
}

const RpcMetrics::MethodSeries* RpcMetrics::Find(std::string_view path) const {
  const auto found = methods_.find(std::string(path));
  return found != methods_.end() ? &found->second : nullptr;
}

}  // namespace photoflow::metrics
