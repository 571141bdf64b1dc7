#include "metrics/metrics_endpoint.hpp"

#include <stdexcept>
#include <vector>

namespace photoflow::metrics {

MetricsEndpoint::MetricsEndpoint(const std::string& listen_address) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen_address, /*num_threads=*/2);
  } catch (const std::exception& error) {
    throw std::runtime_error("cannot serve metrics on " + listen_address + ": " + error.what());
  }
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (ports.empty()) throw std::runtime_error("cannot serve metrics on " + listen_address);
  port_ = ports.front();
}

void MetricsEndpoint::Register(const std::weak_ptr<prometheus::Collectable>& collectable) {
  exposer_->RegisterCollectable(collectable);
}

}  // namespace photoflow::metrics
