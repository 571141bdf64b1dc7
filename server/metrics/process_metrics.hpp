#pragma once

#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace photoflow::metrics {

// The standard process_* metrics of Prometheus client libraries (CPU seconds,
// resident and virtual memory, open and maximum file descriptors, start
// time), read from /proc/self at scrape time, plus photoflow_build_info.
class ProcessMetrics final : public prometheus::Collectable {
 public:
  struct BuildInfo {
    std::string version;
    std::string grpc_version;
    std::string protobuf_version;
    std::string libpqxx_version;
  };

  explicit ProcessMetrics(BuildInfo build) : build_(std::move(build)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

  // What this binary was built from and with.
  static BuildInfo CurrentBuild();

 private:
  BuildInfo build_;
};

}  // namespace photoflow::metrics
