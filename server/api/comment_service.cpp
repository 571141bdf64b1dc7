#include "api/comment_service.hpp"

#include "api/idempotency.hpp"
#include "api/mapping.hpp"
#include "api/paging.hpp"
#include "api/validation.hpp"
#include "store/comment_store.hpp"
#include "store/task_store.hpp"

namespace photoflow::api {
namespace {

// True when the mask asks to change the text; output-only and immutable
// paths are ignored, anything else is INVALID_ARGUMENT.
bool UpdatesText(const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) return true;
  bool text = false;
  for (const std::string& path : mask.paths()) {
    if (path == "text" || path == "*") {
      text = true;
    } else if (path != "id" && path != "created_at" && path != "task_id") {
      ThrowInvalidArgument("update_mask", "unknown or immutable field '" + path + "'");
    }
  }
  return text;
}

std::string ListCommentsScope(int32_t task_id) {
  return "comments\ntask_id=" + std::to_string(task_id);
}

}  // namespace

grpc::ServerUnaryReactor* CommentService::CreateComment(grpc::CallbackServerContext* context,
                                                        const v1::CreateCommentRequest* request,
                                                        v1::Comment* response) {
  try {
    if (!request->has_comment()) ThrowInvalidArgument("comment", "is required");
    CheckId("comment.task_id", request->comment().task_id());
    CheckText("comment.text", request->comment().text(), Presence::kRequired, kMaxLongTextChars);
    CheckRequestId(request->request_id());
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [request, response](db::Session& session) {
    const v1::Comment& comment = request->comment();
    const std::string fingerprint = RequestFingerprint(comment);
    const store::CommentRow row = session.Write([&](pqxx::transaction_base& txn) {
      return CreateOnce(
          txn, request->request_id(), "CreateComment", fingerprint,
          [&] {
            std::optional<store::CommentRow> created =
                store::comments::Insert(txn, comment.task_id(), comment.text());
            if (!created) ThrowNotFound("task", comment.task_id());
            return *created;
          },
          [&](int32_t id) {
            std::optional<store::CommentRow> first = store::comments::Find(txn, id);
            if (!first) ThrowNotFound("comment (created by this request_id and since deleted)", id);
            return *first;
          });
    });
    ToProto(row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::GetComment(grpc::CallbackServerContext* context,
                                                     const v1::GetCommentRequest* request,
                                                     v1::Comment* response) {
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [request, response](db::Session& session) {
    const std::optional<store::CommentRow> row = session.Read(
        [&](pqxx::transaction_base& txn) { return store::comments::Find(txn, request->id()); });
    if (!row) ThrowNotFound("comment", request->id());
    ToProto(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::ListComments(grpc::CallbackServerContext* context,
                                                       const v1::ListCommentsRequest* request,
                                                       v1::ListCommentsResponse* response) {
  int page_size = 0;
  int32_t after_id = 0;
  const std::string scope = ListCommentsScope(request->task_id());
  try {
    CheckId("task_id", request->task_id());
    page_size = PageSize(request->page_size());
    after_id = DecodeLastId(request->page_token(), scope);
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [=](db::Session& session) {
    const int32_t task_id = request->task_id();
    std::vector<store::CommentRow> rows = session.Read([&](pqxx::transaction_base& txn) {
      std::vector<store::CommentRow> page =
          store::comments::ListAfter(txn, task_id, after_id, page_size + 1);
      // Only an empty first page needs to tell "no comments" from "no task".
      if (page.empty() && after_id == 0 && !store::tasks::Exists(txn, task_id)) {
        ThrowNotFound("task", task_id);
      }
      return page;
    });
    if (DropLookaheadRow(rows, page_size)) {
      response->set_next_page_token(EncodeLastId(scope, rows.back().id));
    }
    for (const store::CommentRow& row : rows) ToProto(row, response->add_comments());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::UpdateComment(grpc::CallbackServerContext* context,
                                                        const v1::UpdateCommentRequest* request,
                                                        v1::Comment* response) {
  bool updates_text = false;
  try {
    if (!request->has_comment()) ThrowInvalidArgument("comment", "is required");
    CheckId("comment.id", request->comment().id());
    updates_text = UpdatesText(request->update_mask());
    if (updates_text) {
      CheckText("comment.text", request->comment().text(), Presence::kRequired, kMaxLongTextChars);
    }
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [request, response, updates_text](db::Session& session) {
    const v1::Comment& comment = request->comment();
    const std::optional<store::CommentRow> row = session.Write([&](pqxx::transaction_base& txn) {
      return updates_text ? store::comments::UpdateText(txn, comment.id(), comment.text())
                          : store::comments::Find(txn, comment.id());
    });
    if (!row) ThrowNotFound("comment", comment.id());
    ToProto(*row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CommentService::DeleteComment(grpc::CallbackServerContext* context,
                                                        const v1::DeleteCommentRequest* request,
                                                        google::protobuf::Empty* /*response*/) {
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [request](db::Session& session) {
    const bool deleted = session.Write(
        [&](pqxx::transaction_base& txn) { return store::comments::Delete(txn, request->id()); });
    if (!deleted) ThrowNotFound("comment", request->id());
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
