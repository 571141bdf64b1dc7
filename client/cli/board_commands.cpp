// photoflow board, photoflow health
#include "board_view.hpp"
#include "commands.hpp"

namespace photoflow::cli {
namespace {

// An AIP-160 string literal: double quotes, with \" and \\ escaped.
std::string FilterString(const std::string& value) {
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

grpc::Status Board(const ParsedArgs& args, CommandContext& context) {
  const auto per_column = static_cast<std::size_t>(
      ParseWhole("--per-column", args.Get("--per-column").value_or("20"), 0, 1000000));
  v1::ListTasksRequest request;
  std::string filter = "is_finished = false";
  if (auto column = args.Get("--column")) filter += " AND task_column = " + FilterString(*column);
  request.set_filter(filter);
  request.set_order_by("due_at");
  request.set_page_size(1000);
  const std::vector<std::string> fields = {"id",     "due_at",      "title",
                                           "status", "task_column", "amount_of_comments"};
  for (const std::string& field : fields) request.mutable_read_mask()->add_paths(field);
  Output& output = context.output;
  std::vector<v1::Task> tasks;
  grpc::Status status = WalkPages<v1::ListTasksRequest, v1::ListTasksResponse>(
      context, request, /*all=*/true, "reading the board",
      [&](grpc::ClientContext* call, const v1::ListTasksRequest& page_request,
          v1::ListTasksResponse* response) {
        return context.connection.tasks().ListTasks(call, page_request, response);
      },
      [&](const v1::ListTasksResponse& response) {
        tasks.insert(tasks.end(), response.tasks().begin(), response.tasks().end());
        return static_cast<std::size_t>(response.tasks_size());
      });
  if (!status.ok()) return status;
  const BoardColumns columns = GroupByColumn(tasks);
  if (!output.json()) {
    output.out() << RenderBoard(columns, output.width(), per_column);
    return grpc::Status::OK;
  }
  // One line per column: {"column":"2","tasks":[...]}.
  for (const auto& [name, column_tasks] : columns) {
    std::string line = "{\"column\":" + JsonString(name) + ",\"tasks\":[";
    for (std::size_t i = 0; i < column_tasks.size(); ++i) {
      line += (i == 0 ? "" : ",") + ToJson(column_tasks[i], fields);
    }
    output.out() << line << "]}\n";
  }
  return grpc::Status::OK;
}

grpc::Status Health(const ParsedArgs& args, CommandContext& context) {
  grpc::health::v1::HealthCheckRequest request;
  if (!args.positional.empty()) request.set_service(args.positional.front());
  grpc::health::v1::HealthCheckResponse response;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.health().Check(call.get(), request, &response);
  if (!status.ok()) return status;
  const std::string name =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
  if (context.output.json()) {
    context.output.Json(response);
  } else {
    context.output.out() << name << "\n";
  }
  if (response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
    return grpc::Status::OK;
  }
  return {grpc::StatusCode::UNAVAILABLE,
          (request.service().empty() ? std::string("the server") : Quoted(request.service())) +
              " is " + name};
}

}  // namespace

std::vector<Command> BoardCommands() {
  return {
      {"",
       "board",
       "",
       "The kanban board: unfinished tasks by column, soonest due first.",
       {{"--column", "COLUMN", "Only this column."},
        {"--per-column", "N",
         "Show at most N tasks a column, then how many more (default 20; 0: all)."}},
       Board},
      {"",
       "health",
       "[SERVICE]",
       "Whether the server (or one service, e.g. photoflow.v1.TaskService) is SERVING.",
       {},
       Health},
  };
}

}  // namespace photoflow::cli
