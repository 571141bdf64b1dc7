#pragma once

#include <memory>
#include <string>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

namespace photoflow::metrics {

// The HTTP /metrics endpoint (prometheus-cpp's pull exposer, which serves on
// threads of its own and calls the collectables at scrape time).
class MetricsEndpoint {
 public:
  // Listens on HOST:PORT (port 0 picks a free one); throws std::runtime_error
  // when it cannot.
  explicit MetricsEndpoint(const std::string& listen_address);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  void Register(const std::weak_ptr<prometheus::Collectable>& collectable);
  // The bound port.
  int port() const { return port_; }

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string host_;  // where to reach the endpoint from this process
  int port_ = 0;
};

}  // namespace photoflow::metrics
