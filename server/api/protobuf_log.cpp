#include "api/protobuf_log.hpp"

#include <atomic>
#include <string>

namespace photoflow::api {
namespace {

// libprotobuf's handler is a plain function: it finds the logger here.
std::atomic<log::Logger*> route_logger{nullptr};
thread_local int mutes_on_this_thread = 0;

log::Level LevelOf(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      return log::Level::kInfo;
    case google::protobuf::LOGLEVEL_WARNING:
      return log::Level::kWarn;
    case google::protobuf::LOGLEVEL_ERROR:
    case google::protobuf::LOGLEVEL_FATAL:
      return log::Level::kError;
  }
  return log::Level::kError;
}

void Route(google::protobuf::LogLevel level, const char* filename, int line,
           const std::string& message) {
  if (mutes_on_this_thread > 0 && level != google::protobuf::LOGLEVEL_FATAL) return;
  log::Logger* logger = route_logger.load(std::memory_order_acquire);
  if (logger == nullptr) return;
  logger->Log(
      LevelOf(level), "protobuf",
      {{"message", message}, {"source", std::string(filename) + ":" + std::to_string(line)}});
}

}  // namespace

ProtobufLogRoute::ProtobufLogRoute(log::Logger& logger)
    : previous_logger_(route_logger.exchange(&logger, std::memory_order_acq_rel)),
      previous_handler_(google::protobuf::SetLogHandler(&Route)) {}

ProtobufLogRoute::~ProtobufLogRoute() {
  route_logger.store(previous_logger_, std::memory_order_release);
  // The last route gone, libprotobuf writes to stderr again.
  if (previous_logger_ == nullptr) google::protobuf::SetLogHandler(previous_handler_);
}

ProtobufLogMute::ProtobufLogMute() { ++mutes_on_this_thread; }
ProtobufLogMute::~ProtobufLogMute() { --mutes_on_this_thread; }

}  // namespace photoflow::api
