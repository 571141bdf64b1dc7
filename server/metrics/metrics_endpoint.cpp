#include "metrics/metrics_endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace photoflow::metrics {

MetricsEndpoint::MetricsEndpoint(const std::string& listen_address) {
  try {
    // One worker: scrapes are rare and quick (the statistics are read
    // beforehand, never on the scrape).
    exposer_ = std::make_unique<prometheus::Exposer>(listen_address, /*num_threads=*/1);
  } catch (const std::exception& error) {
    throw std::runtime_error("cannot serve metrics on " + listen_address + ": " + error.what());
  }
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (ports.empty()) throw std::runtime_error("cannot serve metrics on " + listen_address);
  port_ = ports.front();
  const std::string host = listen_address.substr(0, listen_address.rfind(':'));
  host_ = host.empty() || host == "0.0.0.0" || host == "localhost" ? "127.0.0.1" : host;
}

// civetweb's listener notices that it must stop only when its poll() returns,
// which without traffic takes up to its 2 s poll quantum; connecting to it
// while it stops makes shutdown prompt (about 1 s saved per stop).
MetricsEndpoint::~MetricsEndpoint() {
  std::mutex mutex;
  std::condition_variable stopped;
  bool done = false;
  std::thread waker([&] {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    if (inet_pton(AF_INET, host_.c_str(), &address.sin_addr) != 1) return;  // not IPv4: just wait
    std::unique_lock lock(mutex);
    while (!done) {
      lock.unlock();
      const int socket_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (socket_fd >= 0) {
        // Whether it connects does not matter: the attempt is what wakes civetweb.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        (void)connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
        close(socket_fd);
      }
      lock.lock();
      stopped.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; });
    }
  });
  exposer_.reset();
  {
    const std::lock_guard lock(mutex);
    done = true;
  }
  stopped.notify_all();
  waker.join();
}

void MetricsEndpoint::Register(const std::weak_ptr<prometheus::Collectable>& collectable) {
  exposer_->RegisterCollectable(collectable);
}

}  // namespace photoflow::metrics
