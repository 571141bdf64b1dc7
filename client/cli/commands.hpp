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

// A server that hands back the token it was given would be followed for
// ever: the walk stops with INTERNAL instead.
grpc::Status RepeatedPageToken(Output& output);

std::vector<Command> TaskCommands();
std::vector<Command> CommentCommands();
// board and health.
std::vector<Command> BoardCommands();

// Fetches pages of `request` with `fetch`: the first only, unless `all`,
// then every page, with a progress line on a terminal ("listing tasks: 200
// so far…"). `take` consumes each page and returns how many items it had.
// Without `all`, a further page is pointed to on stderr.
template <typename Request, typename Response>
grpc::Status WalkPages(
    CommandContext& context, Request& request, bool all, const std::string& progress_label,
    const std::function<grpc::Status(grpc::ClientContext*, const Request&, Response*)>& fetch,
    const std::function<std::size_t(const Response&)>& take) {
  Output& output = context.output;
  std::size_t fetched = 0;
  for (;;) {
    Response response;
    const auto call = context.connection.NewContext();
    grpc::Status status = fetch(call.get(), request, &response);
    if (!status.ok()) {
      output.EndProgress();
      return status;
    }
    fetched += take(response);
    if (response.next_page_token().empty()) break;
    if (!all) {
      output.Note("more: --page-token " + response.next_page_token() + " (or --all)");
      break;
    }
    output.Progress(progress_label + ": " + std::to_string(fetched) + " so far…");
    if (response.next_page_token() == request.page_token()) return RepeatedPageToken(output);
    request.set_page_token(response.next_page_token());
  }
  output.EndProgress();
  return grpc::Status::OK;
}

// Every command, in --help order.
const std::vector<Command>& AllCommands();

}  // namespace photoflow::cli
