#pragma once

#include <functional>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "args.hpp"
#include "connection.hpp"
#include "output.hpp"

namespace photoflow::cli {

struct CommandContext {
  Connection& connection;
  Output& output;
};

// One subcommand: `photoflow GROUP NAME ARGS` ("tasks list"), or
// `photoflow NAME ARGS` when the group is empty ("board", "health").
struct Command {
  std::string group;
  std::string name;
  std::string arguments;  // e.g. "ID COLUMN"
  std::string summary;
  std::vector<FlagSpec> flags;  // the command's own; the global ones are added
  std::function<grpc::Status(const ParsedArgs&, CommandContext&)> run;
};

std::vector<Command> TaskCommands();
std::vector<Command> CommentCommands();
// board and health.
std::vector<Command> BoardCommands();

// A server that hands back the token it was given would be followed for
// ever: the walk stops with INTERNAL instead.
grpc::Status RepeatedPageToken(Output& output);

// Every command, in --help order.
const std::vector<Command>& AllCommands();

}  // namespace photoflow::cli
