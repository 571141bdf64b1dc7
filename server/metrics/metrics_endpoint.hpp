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

  void Register(const std::weak_ptr<prometheus::Collectable>& collectable);
  // The bound port.
  int port() const { return port_; }

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace photoflow::metrics
