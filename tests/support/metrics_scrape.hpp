#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace photoflow::testing {

// GET http://127.0.0.1:<port>/metrics over a real TCP connection; throws on a
// connection error or a status other than 200.
std::string ScrapeMetrics(int port);

// A Prometheus text exposition, parsed just enough for assertions.
class ScrapedMetrics {
 public:
  explicit ScrapedMetrics(const std::string& text);
  static ScrapedMetrics From(int port) { return ScrapedMetrics(ScrapeMetrics(port)); }

  // The sum of the samples named `name` whose labels include `labels`; throws
  // std::out_of_range when there is none.
  double Value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
  // How many samples named `name` have labels that include `labels`.
  size_t Count(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
  // The names declared by "# TYPE" lines.
  std::vector<std::string> FamilyNames() const;

 private:
  struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  std::vector<Sample> samples_;
  std::vector<std::string> family_names_;
};

// Scrapes, back to back, until `condition` holds for a scrape; false if that
// does not happen within `timeout`. For values the server updates moments
// after the client could see the cause (the status of a call its client
// cancelled, a timer's next refresh): not for long waits, which would take
// the CPU from the server under test.
bool WaitForMetrics(int port, const std::function<bool(const ScrapedMetrics&)>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// WaitForMetrics until the sum of `name`{`labels`} equals `value`.
bool WaitForMetricValue(int port, const std::string& name,
                        const std::map<std::string, std::string>& labels, double value,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace photoflow::testing
