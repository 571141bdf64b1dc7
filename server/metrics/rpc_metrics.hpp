#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace photoflow::metrics {

// A gRPC status code as the grpc_code label shows it ("InvalidArgument").
std::string_view GrpcCodeLabel(int code);

// Server RPC metrics named and labelled as go-grpc-prometheus names them, so
// that existing gRPC dashboards and alerts work unchanged:
// grpc_server_{started,handled,msg_received,msg_sent}_total and
// grpc_server_handling_seconds, labelled grpc_type, grpc_service, grpc_method
// (and grpc_code for handled). Series exist at zero for every method (and
// code) from the start, so rates and absent-series alerts work at once.
class RpcMetrics {
 public:
  struct Method {
    std::string service;  // e.g. photoflow.v1.TaskService
    std::string name;     // e.g. CreateTask
    std::string type;     // unary, client_stream, server_stream or bidi_stream
  };

  // The series of one method, created once; the interceptor only increments.
  struct MethodSeries {
    prometheus::Counter* started = nullptr;
    prometheus::Counter* received = nullptr;
    prometheus::Counter* sent = nullptr;
    prometheus::Histogram* handling = nullptr;
    std::array<prometheus::Counter*, 17> handled{};  // by grpc::StatusCode
  };

  explicit RpcMetrics(prometheus::Registry& registry);

  // Creates the series of `method`. Call for every method before serving;
  // calls of methods never added are not counted (a client choosing method
  // names must not be able to create series).
  void AddMethod(const Method& method);
  // AddMethod for every method of a service in the generated protobuf pool;
  // false if the pool does not know `service`.
  bool AddService(std::string_view service);

  // Counts the calls of the added methods; give it to
  // ServerBuilder::experimental().SetInterceptorCreators before serving.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory() const;

  // The series of a method by its gRPC path (/package.Service/Method).
  const MethodSeries* Find(std::string_view path) const;

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& handling_;
  // Filled before serving, read-only afterwards: lookups need no lock.
  std::unordered_map<std::string, MethodSeries> methods_;
};

}  // namespace photoflow::metrics
