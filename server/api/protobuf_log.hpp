#pragma once

#include <google/protobuf/stubs/logging.h>

#include "log/logger.hpp"

namespace photoflow::api {

// Sends libprotobuf's warnings and errors (it writes plain text to stderr by
// default) into the JSON log as "protobuf" events, while it exists; restores
// the previous handler when destroyed. libprotobuf has one handler per
// process: create one, at start-up, before any thread parses a message.
class ProtobufLogRoute {
 public:
  explicit ProtobufLogRoute(log::Logger& logger);
  ~ProtobufLogRoute();
  ProtobufLogRoute(const ProtobufLogRoute&) = delete;
  ProtobufLogRoute& operator=(const ProtobufLogRoute&) = delete;

 private:
  log::Logger* previous_logger_;
  google::protobuf::LogHandler* previous_handler_;
};

// Drops what libprotobuf logs on this thread while it exists: the complaint
// about a client's malformed request, which ParseRequest answers the client
// with instead (unlike google::protobuf::LogSilencer, other threads' messages
// still reach the log).
class ProtobufLogMute {
 public:
  ProtobufLogMute();
  ~ProtobufLogMute();
  ProtobufLogMute(const ProtobufLogMute&) = delete;
  ProtobufLogMute& operator=(const ProtobufLogMute&) = delete;
};

}  // namespace photoflow::api
