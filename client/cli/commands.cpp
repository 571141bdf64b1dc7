#include "commands.hpp"

namespace photoflow::cli {

grpc::Status RepeatedPageToken(Output& output) {
  output.EndProgress();
  return {grpc::StatusCode::INTERNAL, "the server returned the same page token twice"};
}

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all = BoardCommands();
    for (auto group : {TaskCommands(), CommentCommands()}) {
      all.insert(all.end(), group.begin(), group.end());
    }
    return all;
  }();
  return commands;
}

}  // namespace photoflow::cli
