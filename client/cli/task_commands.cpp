// photoflow tasks list|get|create|update|move|finish|delete|watch
#include <google/protobuf/field_mask.pb.h>

#include "commands.hpp"
#include "timestamps.hpp"

namespace photoflow::cli {
namespace {

FlagSpec EtagFlag() {
  return {"--etag", "ETAG", "Fail with ABORTED if the task changed since you read this etag."};
}

FlagSpec FieldsFlag() {
  return {"--fields", "F,...", "Fields to read and show (read_mask), e.g. id,title,due_at."};
}

std::vector<std::string> ReadMask(const ParsedArgs& args, google::protobuf::FieldMask* mask) {
  std::vector<std::string> fields;
  if (auto list = args.Get("--fields")) {
    fields = SplitList(*list);
    CheckTaskFields(fields);
    for (const std::string& field : fields) mask->add_paths(field);
  }
  return fields;
}

grpc::Status List(const ParsedArgs& args, CommandContext& context) {
  v1::ListTasksRequest request;
  if (auto filter = args.Get("--filter")) request.set_filter(*filter);
  if (auto order = args.Get("--order-by")) request.set_order_by(*order);
  if (auto size = args.Get("--page-size")) {
    request.set_page_size(ParseWhole("--page-size", *size, 1, 1000));
  }
  if (auto token = args.Get("--page-token")) request.set_page_token(*token);
  const std::vector<std::string> fields = ReadMask(args, request.mutable_read_mask());
  Output& output = context.output;
  std::vector<v1::Task> tasks;
  grpc::Status status = WalkPages<v1::ListTasksRequest, v1::ListTasksResponse>(
      context, request, args.Has("--all"), "listing tasks",
      [&](grpc::ClientContext* call, const v1::ListTasksRequest& page_request,
          v1::ListTasksResponse* response) {
        return context.connection.tasks().ListTasks(call, page_request, response);
      },
      [&](const v1::ListTasksResponse& response) {
        for (const v1::Task& task : response.tasks()) {
          if (output.json()) {
            output.TaskJson(task, fields);
          } else {
            tasks.push_back(task);
          }
        }
        return static_cast<std::size_t>(response.tasks_size());
      });
  if (!status.ok()) return status;
  if (!output.json()) output.TaskTable(tasks, fields);
  return grpc::Status::OK;
}

// One line per event: its type, then the task's id, title, status and
// column when it has them.
std::string EventLine(const v1::TaskEvent& event) {
  std::string line = v1::TaskEvent::Type_Name(event.type());
  if (!event.has_task()) return line;
  const v1::Task& task = event.task();
  line.resize(std::max<size_t>(line.size(), 9), ' ');
  line += " " + std::to_string(task.id());
  if (!task.title().empty()) line += "  " + task.title();
  if (!task.status().empty()) line += "  [" + task.status() + "]";
  if (!task.task_column().empty()) line += "  column " + task.task_column();
  return line;
}

// Follows WatchTasks until the server ends the stream, the user interrupts
// it, or --count change events have arrived. The last resume token goes to
// stderr, to continue from with --resume-token.
grpc::Status Watch(const ParsedArgs& args, CommandContext& context) {
  v1::WatchTasksRequest request;
  if (auto filter = args.Get("--filter")) request.set_filter(*filter);
  if (auto token = args.Get("--resume-token")) request.set_resume_token(*token);
  ReadMask(args, request.mutable_read_mask());
  const int count =
      args.Get("--count") ? ParseWhole("--count", *args.Get("--count"), 1, 1'000'000) : 0;
  Output& output = context.output;
  const auto call = context.connection.NewStreamContext();
  auto stream = context.connection.tasks().WatchTasks(call.get(), request);
  v1::WatchTasksResponse response;
  std::string last_token;
  int changes = 0;
  while (stream->Read(&response)) {
    for (const v1::TaskEvent& event : response.events()) {
      if (output.json()) {
        output.Json(event);
        output.Flush();
      } else {
        output.Line(EventLine(event));
      }
      if (!event.resume_token().empty()) last_token = event.resume_token();
      const bool change =
          event.type() != v1::TaskEvent::EXISTING && event.type() != v1::TaskEvent::CURRENT;
      if (change && count > 0 && ++changes >= count) {
        call->TryCancel();
        stream->Finish();
        if (!output.json()) output.Note("resume: --resume-token " + last_token);
        return grpc::Status::OK;
      }
    }
  }
  const grpc::Status status = stream->Finish();
  if (!last_token.empty()) output.Note("resume: --resume-token " + last_token);
  return status;
}

grpc::Status Get(const ParsedArgs& args, CommandContext& context) {
  v1::GetTaskRequest request;
  request.set_id(ParseId("ID", Positional(args, 0, "ID")));
  ReadMask(args, request.mutable_read_mask());  // TaskDetail shows what was read
  if (args.Has("--comments")) {
    if (request.read_mask().paths_size() == 0) {
      // Every field, and the comments (an empty mask would leave them out).
      for (const char* field :
           {"id", "created_at", "due_at", "title", "additional_information", "status",
            "is_finished", "task_column", "amount_of_comments", "etag"}) {
        request.mutable_read_mask()->add_paths(field);
      }
    }
    request.mutable_read_mask()->add_paths("comments");
  }
  v1::Task task;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.tasks().GetTask(call.get(), request, &task);
  if (status.ok()) {
    std::vector<std::string> shown(request.read_mask().paths().begin(),
                                   request.read_mask().paths().end());
    context.output.TaskDetail(task, shown);
  }
  return status;
}

// Applies --title, --due, --status, --notes, --column and --finished to
// `task`, naming each in `mask` when there is one.
void ApplyTaskFlags(const ParsedArgs& args, v1::Task& task, google::protobuf::FieldMask* mask) {
  auto note = [mask](const char* field) {
    if (mask != nullptr) mask->add_paths(field);
  };
  if (auto title = args.Get("--title")) {
    task.set_title(*title);
    note("title");
  }
  if (auto due = args.Get("--due")) {
    *task.mutable_due_at() = ParseTimestamp("--due", *due);
    note("due_at");
  }
  if (auto status = args.Get("--status")) {
    task.set_status(*status);
    note("status");
  }
  if (auto notes = args.Get("--notes")) {
    task.set_additional_information(*notes);
    note("additional_information");
  }
  if (auto column = args.Get("--column")) {
    task.set_task_column(*column);
    note("task_column");
  }
  if (auto finished = args.Get("--finished")) {
    task.set_is_finished(ParseBool("--finished", *finished));
    note("is_finished");
  }
}

grpc::Status Create(const ParsedArgs& args, CommandContext& context) {
  v1::CreateTaskRequest request;
  ApplyTaskFlags(args, *request.mutable_task(), nullptr);
  if (auto id = args.Get("--request-id")) request.set_request_id(*id);
  v1::Task task;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.tasks().CreateTask(call.get(), request, &task);
  if (status.ok()) context.output.TaskDetail(task);
  return status;
}

grpc::Status SendUpdate(v1::UpdateTaskRequest& request, const ParsedArgs& args,
                        CommandContext& context) {
  if (auto etag = args.Get("--etag")) request.mutable_task()->set_etag(*etag);
  v1::Task task;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.tasks().UpdateTask(call.get(), request, &task);
  if (status.ok()) context.output.TaskDetail(task);
  return status;
}

grpc::Status Update(const ParsedArgs& args, CommandContext& context) {
  v1::UpdateTaskRequest request;
  request.mutable_task()->set_id(ParseId("ID", Positional(args, 0, "ID")));
  ApplyTaskFlags(args, *request.mutable_task(), request.mutable_update_mask());
  if (request.update_mask().paths_size() == 0) {
    throw UsageError(
        "nothing to update: give at least one of --title, --due, --status, --notes, --column, "
        "--finished");
  }
  return SendUpdate(request, args, context);
}

grpc::Status Move(const ParsedArgs& args, CommandContext& context) {
  v1::UpdateTaskRequest request;
  request.mutable_task()->set_id(ParseId("ID", Positional(args, 0, "ID")));
  request.mutable_task()->set_task_column(Positional(args, 1, "COLUMN"));
  request.mutable_update_mask()->add_paths("task_column");
  return SendUpdate(request, args, context);
}

grpc::Status Finish(const ParsedArgs& args, CommandContext& context) {
  v1::UpdateTaskRequest request;
  request.mutable_task()->set_id(ParseId("ID", Positional(args, 0, "ID")));
  request.mutable_task()->set_is_finished(!args.Has("--undo"));
  request.mutable_update_mask()->add_paths("is_finished");
  return SendUpdate(request, args, context);
}

grpc::Status Delete(const ParsedArgs& args, CommandContext& context) {
  v1::DeleteTaskRequest request;
  request.set_id(ParseId("ID", Positional(args, 0, "ID")));
  if (auto etag = args.Get("--etag")) request.set_etag(*etag);
  google::protobuf::Empty empty;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.tasks().DeleteTask(call.get(), request, &empty);
  if (status.ok()) context.output.Done("deleted task " + std::to_string(request.id()));
  return status;
}

std::vector<FlagSpec> TaskFieldFlags(bool finished_flag) {
  std::vector<FlagSpec> flags = {
      {"--title", "TEXT", "The order's title (1-500 characters)."},
      {"--due", "DATE", "Due date: 2026-12-24 (a whole day, UTC) or RFC 3339."},
      {"--status", "TEXT", "Status, e.g. Scheduled (1-500 characters)."},
      {"--notes", "TEXT", "Additional information (up to 10,000 characters)."},
      {"--column", "COLUMN", "Kanban column (default \"1\")."},
  };
  if (finished_flag) flags.push_back({"--finished", "BOOL", "true or false."});
  return flags;
}

}  // namespace

std::vector<Command> TaskCommands() {
  std::vector<FlagSpec> create_flags = TaskFieldFlags(false);
  create_flags.push_back(
      {"--request-id", "ID", "Makes a retried create return the first task, not a second one."});
  std::vector<FlagSpec> update_flags = TaskFieldFlags(true);
  update_flags.push_back(EtagFlag());
  return {
      {"tasks",
       "list",
       "",
       "List tasks, a page at a time (--all for every page).",
       {{"--filter", "EXPR", "AIP-160 filter, e.g. 'is_finished = false AND task_column = \"2\"'."},
        {"--order-by", "FIELDS", "e.g. 'due_at desc, title' (default id)."},
        {"--page-size", "N", "Tasks per page, 1-1000 (default 50)."},
        {"--page-token", "TOKEN", "Continue from a previous page."},
        {"--all", "", "Follow page tokens to the end."},
        FieldsFlag()},
       List},
      {"tasks",
       "get",
       "ID",
       "Show one task.",
       {FieldsFlag(), {"--comments", "", "Also show the task's comments."}},
       Get},
      {"tasks", "create", "", "Create a task (--title, --due and --status are required).",
       create_flags, Create},
      {"tasks", "update", "ID", "Change the given fields of a task.", update_flags, Update},
      {"tasks", "move", "ID COLUMN", "Move a task to another kanban column.", {EtagFlag()}, Move},
      {"tasks",
       "finish",
       "ID",
       "Mark a task finished (--undo: unfinished).",
       {{"--undo", "", "Mark it unfinished instead."}, EtagFlag()},
       Finish},
      {"tasks", "delete", "ID", "Delete a task and its comments.", {EtagFlag()}, Delete},
      {"tasks",
       "watch",
       "",
       "Follow the tasks matching --filter: first those there are, then every change, live.",
       {{"--filter", "EXPR", "AIP-160 filter, as for list: the view to watch."},
        {"--resume-token", "TOKEN", "Continue after the event that carried this token."},
        {"--count", "N", "Stop after N changes (initial state and bookmarks not counted)."},
        FieldsFlag()},
       Watch},
  };
}

}  // namespace photoflow::cli
