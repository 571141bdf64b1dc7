#include "support/metrics_scrape.hpp"

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 needs it

#include <sstream>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace photoflow::testing {

std::string ScrapeMetrics(int port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string response;
  boost::system::error_code error;
  boost::asio::read(socket, boost::asio::dynamic_buffer(response), error);
  if (error && error != boost::asio::error::eof) throw boost::system::system_error(error);
  const size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos ||
      response.find(" 200 ") > response.find("\r\n")) {
    throw std::runtime_error("unexpected /metrics response: " + response.substr(0, 200));
  }
  return response.substr(body + 4);
}

ScrapedMetrics::ScrapedMetrics(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name;
      words >> name;
      family_names_.push_back(name);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    size_t position = line.find_first_of("{ ");
    sample.name = line.substr(0, position);
    if (position != std::string::npos && line[position] == '{') {
      // name="value" pairs; our label values contain no escaped quotes.
      ++position;
      while (position < line.size() && line[position] != '}') {
        const size_t equals = line.find('=', position);
        const size_t open = line.find('"', equals);
        const size_t close = line.find('"', open + 1);
        sample.labels[line.substr(position, equals - position)] =
            line.substr(open + 1, close - open - 1);
        position = close + 1;
        if (position < line.size() && line[position] == ',') ++position;
      }
      ++position;
    }
    sample.value = std::stod(line.substr(line.find_first_not_of(' ', position)));
    samples_.push_back(std::move(sample));
  }
}

namespace {

bool Includes(const std::map<std::string, std::string>& labels,
              const std::map<std::string, std::string>& wanted) {
  for (const auto& [name, value] : wanted) {
    const auto found = labels.find(name);
    if (found == labels.end() || found->second != value) return false;
  }
  return true;
}

}  // namespace

double ScrapedMetrics::Value(const std::string& name,
                             const std::map<std::string, std::string>& labels) const {
  double sum = 0;
  bool found = false;
  for (const Sample& sample : samples_) {
    if (sample.name != name || !Includes(sample.labels, labels)) continue;
    sum += sample.value;
    found = true;
  }
  if (!found) throw std::out_of_range("no sample " + name);
  return sum;
}

size_t ScrapedMetrics::Count(const std::string& name,
                             const std::map<std::string, std::string>& labels) const {
  size_t count = 0;
  for (const Sample& sample : samples_) {
    if (sample.name == name && Includes(sample.labels, labels)) ++count;
  }
  return count;
}

std::vector<std::string> ScrapedMetrics::FamilyNames() const { return family_names_; }

bool WaitForMetrics(int port, const std::function<bool(const ScrapedMetrics&)>& condition,
                    std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    if (condition(ScrapedMetrics::From(port))) return true;
  }
  return false;
}

bool WaitForMetricValue(int port, const std::string& name,
                        const std::map<std::string, std::string>& labels, double value,
                        std::chrono::milliseconds timeout) {
  return WaitForMetrics(
      port, [&](const ScrapedMetrics& metrics) { return metrics.Value(name, labels) == value; },
      timeout);
}

}  // namespace photoflow::testing
