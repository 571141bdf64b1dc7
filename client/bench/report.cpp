#include "report.hpp"

#include <cmath>
#include <iomanip>

namespace photoflow::bench {
namespace {

double Throughput(const LoadResult& result) {
  return result.seconds > 0 ? static_cast<double>(result.calls) / result.seconds : 0;
}

}  // namespace

double QuantileMs(const std::vector<uint32_t>& sorted_us, double q) {
  if (sorted_us.empty()) return 0;
  const auto index = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted_us.size())) - 1);
  return sorted_us[std::min(index, sorted_us.size() - 1)] / 1000.0;
}

void PrintTable(const LoadResult& result, std::ostream& out) {
  out << std::fixed << std::setprecision(2);
  out << "scenario     in-flight  channels  calls/s      p50 ms   p90 ms   p99 ms   max ms   "
         "errors\n";
  out << std::left << std::setw(13) << result.scenario << std::right << std::setw(9)
      << result.in_flight << std::setw(10) << result.channels << std::setw(10)
      << std::setprecision(0) << Throughput(result) << std::setprecision(2) << std::setw(11)
      << QuantileMs(result.latencies_us, 0.50) << std::setw(9)
      << QuantileMs(result.latencies_us, 0.90) << std::setw(9)
      << QuantileMs(result.latencies_us, 0.99) << std::setw(9)
      << QuantileMs(result.latencies_us, 1.0) << "   ";
  if (result.errors.empty()) out << "none";
  bool first = true;
  for (const auto& [code, count] : result.errors) {
    out << (first ? "" : ", ") << code << " " << count;
    first = false;
  }
  out << "\n"
      << result.calls << " calls measured in " << std::setprecision(1) << result.seconds << " s, "
      << result.ok << " OK\n";
}

void PrintJson(const LoadResult& result, std::ostream& out) {
  // Keys and scenario names are fixed ASCII words: nothing needs escaping.
  auto key = [&out](const char* name) -> std::ostream& { return out << '"' << name << "\":"; };
  out << std::fixed << std::setprecision(3) << '{';
  key("scenario") << '"' << result.scenario << "\",";
  key("in_flight") << result.in_flight << ',';
  key("channels") << result.channels << ',';
  key("seconds") << result.seconds << ',';
  key("calls") << result.calls << ',';
  key("all_calls") << result.all_calls << ',';
  key("ok") << result.ok << ',';
  key("calls_per_second") << Throughput(result) << ',';
  key("latency_ms") << '{';
  key("p50") << QuantileMs(result.latencies_us, 0.50) << ',';
  key("p90") << QuantileMs(result.latencies_us, 0.90) << ',';
  key("p99") << QuantileMs(result.latencies_us, 0.99) << ',';
  key("max") << QuantileMs(result.latencies_us, 1.0) << "},";
  key("errors") << '{';
  bool first = true;
  for (const auto& [code, count] : result.errors) {
    if (!first) out << ',';
    key(code.c_str()) << count;
    first = false;
  }
  out << "}}\n";
}

}  // namespace photoflow::bench
