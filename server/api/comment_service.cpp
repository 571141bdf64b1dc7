#include "api/comment_service.hpp"

#include "api/field_masks.hpp"
#include "api/idempotency.hpp"
#include "api/mapping.hpp"
#include "api/paging.hpp"
#include "api/validation.hpp"
#include "store/comment_store.hpp"
#include "store/task_store.hpp"

namespace photoflow::api {
namespace {

using model::kCommentFields;

constexpr model::FieldSet kCreatedFields = model::FieldsWith(kCommentFields, model::kWritable);

std::string ListCommentsScope(int32_t task_id) {
  return "comments\ntask_id=" + std::to_string(task_id);
}

// One CreateComment: its insert and counter change, or with a request_id the
// comment that key created.
store::CommentRow CreateOne(db::Session& session, const v1::CreateCommentRequest& request) {
  const v1::Comment& comment = request.comment();
  // Only a request_id needs the fingerprint (a SHA-256 of the request).
  const std::string fingerprint =
      request.request_id().empty() ? std::string() : RequestFingerprint(comment);
  auto work = [&](db::Transaction& txn) {
    return CreateOnce(
        txn, request.request_id(), "CreateComment", fingerprint,
        [&] {
          std::optional<store::CommentRow> created =
              store::comments::Insert(txn, comment.task_id(), comment.text());
          if (!created) ThrowNotFound(Resource::kTask, comment.task_id());
          return *created;
        },
        [&](const std::vector<int32_t>& ids) {
          const int32_t id = ids.at(0);
          std::optional<store::CommentRow> first = store::comments::Find(txn, id);
          if (!first) {
            ThrowNotFound(Resource::kComment, id, "(created by this request_id and since deleted)");
          }
          return *first;
        });
  };
  // Without a request_id the work is one statement (the insert and its
  // counter change); with one, the key's claim and record commit with it.
  return request.request_id().empty() ? session.WriteStatement(work) : session.Write(work);
}

// CreateComment calls without request_id: one insert, or for several one
// statement that inserts them all and raises each task's counter; a call
// whose task does not exist gets NOT_FOUND alone.
std::vector<grpc::Status> CreateComments(db::Session& session,
                                         std::span<const CommentService::CreateCall* const> calls) {
  if (calls.size() == 1) {
    ToProto(CreateOne(session, *calls[0]->request), calls[0]->response);
    return {grpc::Status::OK};
  }
  std::vector<store::comments::NewComment> comments;
  comments.reserve(calls.size());
  for (const CommentService::CreateCall* call : calls) {
    comments.push_back({call->request->comment().task_id(), call->request->comment().text()});
  }
  const std::vector<std::optional<store::CommentRow>> rows = session.WriteStatement(
      [&](db::Transaction& txn) { return store::comments::InsertMany(txn, comments); });
  std::vector<grpc::Status> statuses;
  statuses.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    if (!rows[i]) {
      statuses.push_back(NotFoundStatus(Resource::kTask, comments[i].task_id));
      continue;
    }
    ToProto(*rows[i], calls[i]->response);
    statuses.push_back(grpc::Status::OK);
  }
  return statuses;
}

}  // namespace

CommentService::CommentService(const MethodContext& methods)
    : methods_(methods), runner_(methods.runner), creates_("CreateComment", CreateComments) {}

// The raw methods gRPC calls: each parses its request, then runs the handler below.
grpc::ServerUnaryReactor* CommentService::CreateComment(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "CreateComment", auth::kTasksWrite, this,
                     &CommentService::CreateComment, context, request, response);
}

grpc::ServerUnaryReactor* CommentService::GetComment(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "GetComment", auth::kTasksRead, this, &CommentService::GetComment,
                     context, request, response);
}

grpc::ServerUnaryReactor* CommentService::ListComments(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "ListComments", auth::kTasksRead, this,
                     &CommentService::ListComments, context, request, response);
}

grpc::ServerUnaryReactor* CommentService::UpdateComment(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "UpdateComment", auth::kTasksWrite, this,
                     &CommentService::UpdateComment, context, request, response);
}

grpc::ServerUnaryReactor* CommentService::DeleteComment(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "DeleteComment", auth::kTasksWrite, this,
                     &CommentService::DeleteComment, context, request, response);
}

grpc::ServerUnaryReactor* CommentService::CreateComment(
    grpc::CallbackServerContext* context, ParsedCall<v1::CreateCommentRequest, v1::Comment> call) {
  const v1::CreateCommentRequest* request = &call->request;
  v1::Comment* response = &call->response;
  try {
    if (!request->has_comment()) ThrowInvalidArgument("comment", "is required");
    CheckFields(CommentBinding(), request->comment(), kCreatedFields, "comment.");
    CheckRequestId(request->request_id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  if (request->request_id().empty()) {
    return runner_.RunBatched(context, std::move(call), creates_, CreateCall{request, response});
  }
  // A request_id's claim and record run with the insert, one call at a time.
  return runner_.Run(context, std::move(call), [request, response](db::Session& session) {
    ToProto(CreateOne(session, *request), response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::GetComment(
    grpc::CallbackServerContext* context, ParsedCall<v1::GetCommentRequest, v1::Comment> call) {
  const v1::GetCommentRequest* request = &call->request;
  v1::Comment* response = &call->response;
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request, response](db::Session& session) {
    const std::optional<store::CommentRow> row = session.ReadStatement(
        [&](db::Transaction& txn) { return store::comments::Find(txn, request->id()); });
    if (!row) ThrowNotFound(Resource::kComment, request->id());
    ToProto(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::ListComments(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::ListCommentsRequest, v1::ListCommentsResponse> call) {
  const v1::ListCommentsRequest* request = &call->request;
  v1::ListCommentsResponse* response = &call->response;
  int page_size = 0;
  int32_t after_id = 0;
  const std::string scope = ListCommentsScope(request->task_id());
  try {
    CheckId("task_id", request->task_id());
    page_size = PageSize(request->page_size());
    after_id = DecodeLastId(request->page_token(), scope);
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [=](db::Session& session) {
    const int32_t task_id = request->task_id();
    // One statement, and one more only for an empty first page (no comments,
    // or no task?), which need not share its snapshot.
    std::vector<store::CommentRow> rows = session.ReadStatement([&](db::Transaction& txn) {
      std::vector<store::CommentRow> page =
          store::comments::ListAfter(txn, task_id, after_id, page_size + 1);
      // Only an empty first page needs to tell "no comments" from "no task".
      if (page.empty() && after_id == 0 && !store::tasks::Exists(txn, task_id)) {
        ThrowNotFound(Resource::kTask, task_id);
      }
      return page;
    });
    if (DropLookaheadRow(rows, page_size)) {
      response->set_next_page_token(EncodeLastId(scope, rows.back().int32(model::kCommentId)));
    }
    for (const store::CommentRow& row : rows) ToProto(row, response->add_comments());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::UpdateComment(
    grpc::CallbackServerContext* context, ParsedCall<v1::UpdateCommentRequest, v1::Comment> call) {
  const v1::UpdateCommentRequest* request = &call->request;
  v1::Comment* response = &call->response;
  bool updates_text = false;
  try {
    if (!request->has_comment()) ThrowInvalidArgument("comment", "is required");
    CheckId("comment.id", request->comment().id());
    const model::FieldSet fields = ParseUpdateMask(kCommentFields, request->update_mask());
    CheckFields(CommentBinding(), request->comment(), fields, "comment.");
    // Text is the only field a comment update can change.
    updates_text = (fields & model::Bit(model::kCommentText)) != 0;
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(
      context, std::move(call), [request, response, updates_text](db::Session& session) {
        const v1::Comment& comment = request->comment();
        const std::optional<store::CommentRow> row =
            session.WriteStatement([&](db::Transaction& txn) {
              return updates_text ? store::comments::UpdateText(txn, comment.id(), comment.text())
                                  : store::comments::Find(txn, comment.id());
            });
        if (!row) ThrowNotFound(Resource::kComment, comment.id());
        ToProto(*row, response);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* CommentService::DeleteComment(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::DeleteCommentRequest, google::protobuf::Empty> call) {
  const v1::DeleteCommentRequest* request = &call->request;
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request](db::Session& session) {
    const bool deleted = session.WriteStatement(
        [&](db::Transaction& txn) { return store::comments::Delete(txn, request->id()); });
    if (!deleted) ThrowNotFound(Resource::kComment, request->id());
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
