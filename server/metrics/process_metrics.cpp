#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/stubs/common.h>
#include <grpcpp/grpcpp.h>
#include <pqxx/version>

namespace photoflow::metrics {
namespace {

prometheus::MetricFamily Single(const std::string& name, const std::string& help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily family{name, help, type, {}};
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

// Fields of /proc/self/stat after the command name (which may contain spaces
// and parentheses, so parsing starts after the last ')'); field 3 (state) is
// element 0.
std::vector<std::string> StatFields() {
  std::ifstream file("/proc/self/stat");
  const std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields;
  const size_t end_of_name = stat.rfind(')');
  if (end_of_name == std::string::npos) return fields;
  std::istringstream rest(stat.substr(end_of_name + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

double BootTimeSeconds() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

}  // namespace

ProcessMetrics::BuildInfo ProcessMetrics::CurrentBuild() {
  return BuildInfo{
      .version = PHOTOFLOW_VERSION,
      .grpc_version = grpc::Version(),
      .protobuf_version = google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION),
      .libpqxx_version = PQXX_VERSION};
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;

  prometheus::MetricFamily build{
      "photoflow_build_info",
      "Always 1; the labels say which PhotoFlow version and libraries this process runs.",
      MetricType::Gauge,
      {}};
  prometheus::ClientMetric build_metric;
  build_metric.label = {{"version", build_.version},
                        {"grpc_version", build_.grpc_version},
                        {"protobuf_version", build_.protobuf_version},
                        {"libpqxx_version", build_.libpqxx_version}};
  build_metric.gauge.value = 1;
  build.metric.push_back(build_metric);
  families.push_back(std::move(build));

  // /proc/self/stat fields (man 5 proc), counted from "state" as 0.
  constexpr size_t kUserTicks = 11;
  constexpr size_t kSystemTicks = 12;
  constexpr size_t kStartTicks = 19;
  constexpr size_t kVirtualBytes = 20;
  constexpr size_t kResidentPages = 21;
  const std::vector<std::string> stat = StatFields();
  if (stat.size() > kResidentPages) {
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
    families.push_back(
        Single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               MetricType::Counter,
               (std::stod(stat[kUserTicks]) + std::stod(stat[kSystemTicks])) / ticks));
    families.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge, std::stod(stat[kResidentPages]) * page));
    families.push_back(Single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, std::stod(stat[kVirtualBytes])));
    families.push_back(Single(
        "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
        MetricType::Gauge, BootTimeSeconds() + std::stod(stat[kStartTicks]) / ticks));
  }

  std::error_code error;
  double open_fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++open_fds;
  }
  families.push_back(
      Single("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, open_fds));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(Single("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace photoflow::metrics
