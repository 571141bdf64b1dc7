// photoflow comments add|get|list|edit|delete
#include "commands.hpp"

namespace photoflow::cli {
namespace {

grpc::Status Add(const ParsedArgs& args, CommandContext& context) {
  v1::CreateCommentRequest request;
  request.mutable_comment()->set_task_id(ParseId("TASK_ID", Positional(args, 0, "TASK_ID")));
  request.mutable_comment()->set_text(Positional(args, 1, "TEXT"));
  if (auto id = args.Get("--request-id")) request.set_request_id(*id);
  v1::Comment comment;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.comments().CreateComment(call.get(), request, &comment);
  if (status.ok()) context.output.CommentDetail(comment);
  return status;
}

grpc::Status Get(const ParsedArgs& args, CommandContext& context) {
  v1::GetCommentRequest request;
  request.set_id(ParseId("ID", Positional(args, 0, "ID")));
  v1::Comment comment;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.comments().GetComment(call.get(), request, &comment);
  if (status.ok()) context.output.CommentDetail(comment);
  return status;
}

grpc::Status List(const ParsedArgs& args, CommandContext& context) {
  v1::ListCommentsRequest request;
  request.set_task_id(ParseId("TASK_ID", Positional(args, 0, "TASK_ID")));
  if (auto size = args.Get("--page-size")) {
    request.set_page_size(ParseWhole("--page-size", *size, 1, 1000));
  }
  if (auto token = args.Get("--page-token")) request.set_page_token(*token);
  Output& output = context.output;
  std::vector<v1::Comment> comments;
  grpc::Status status = WalkPages<v1::ListCommentsRequest, v1::ListCommentsResponse>(
      context, request, args.Has("--all"), "listing comments",
      [&](grpc::ClientContext* call, const v1::ListCommentsRequest& page_request,
          v1::ListCommentsResponse* response) {
        return context.connection.comments().ListComments(call, page_request, response);
      },
      [&](const v1::ListCommentsResponse& response) {
        for (const v1::Comment& comment : response.comments()) {
          if (output.json()) {
            output.Json(comment);
          } else {
            comments.push_back(comment);
          }
        }
        return static_cast<std::size_t>(response.comments_size());
      });
  if (!status.ok()) return status;
  if (!output.json()) output.CommentTable(comments);
  return grpc::Status::OK;
}

grpc::Status Edit(const ParsedArgs& args, CommandContext& context) {
  v1::UpdateCommentRequest request;
  request.mutable_comment()->set_id(ParseId("ID", Positional(args, 0, "ID")));
  request.mutable_comment()->set_text(Positional(args, 1, "TEXT"));
  request.mutable_update_mask()->add_paths("text");
  v1::Comment comment;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.comments().UpdateComment(call.get(), request, &comment);
  if (status.ok()) context.output.CommentDetail(comment);
  return status;
}

grpc::Status Delete(const ParsedArgs& args, CommandContext& context) {
  v1::DeleteCommentRequest request;
  request.set_id(ParseId("ID", Positional(args, 0, "ID")));
  google::protobuf::Empty empty;
  const auto call = context.connection.NewContext();
  grpc::Status status = context.connection.comments().DeleteComment(call.get(), request, &empty);
  if (status.ok()) context.output.Done("deleted comment " + std::to_string(request.id()));
  return status;
}

}  // namespace

std::vector<Command> CommentCommands() {
  return {
      {"comments",
       "add",
       "TASK_ID TEXT",
       "Comment on a task.",
       {{"--request-id", "ID", "Makes a retried add return the first comment, not a second one."}},
       Add},
      {"comments", "get", "ID", "Show one comment.", {}, Get},
      {"comments",
       "list",
       "TASK_ID",
       "List a task's comments, oldest first.",
       {{"--page-size", "N", "Comments per page, 1-1000 (default 50)."},
        {"--page-token", "TOKEN", "Continue from a previous page."},
        {"--all", "", "Follow page tokens to the end."}},
       List},
      {"comments", "edit", "ID TEXT", "Change a comment's text.", {}, Edit},
      {"comments", "delete", "ID", "Delete a comment.", {}, Delete},
  };
}

}  // namespace photoflow::cli
