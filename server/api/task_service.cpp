#include "api/task_service.hpp"

#include <map>

#include "api/mapping.hpp"
#include "api/task_masks.hpp"
#include "api/validation.hpp"
#include "api/paging.hpp"
#include "store/comment_store.hpp"
#include "store/task_store.hpp"

namespace photoflow::api {
namespace {

using Deadline = std::optional<CallRunner::Clock::time_point>;

void CheckWritableFields(const v1::Task& task, const store::TaskColumns& columns) {
  if (columns.due_at) CheckTimestamp("task.due_at", task.has_due_at(), task.due_at());
  if (columns.title) CheckText("task.title", task.title(), Presence::kRequired, kMaxShortTextChars);
  if (columns.additional_information) {
    CheckText("task.additional_information", task.additional_information(), Presence::kOptional,
              kMaxLongTextChars);
  }
  if (columns.status) {
    CheckText("task.status", task.status(), Presence::kRequired, kMaxShortTextChars);
  }
  if (columns.task_column) {
    CheckText("task.task_column", task.task_column(), Presence::kOptional, kMaxShortTextChars);
  }
}

// Fills the comments of `tasks` (read_mask "comments") with one query.
void AttachComments(pqxx::transaction_base& txn, std::vector<v1::Task*> tasks) {
  std::vector<int32_t> ids;
  std::map<int32_t, v1::Task*> by_id;
  for (v1::Task* task : tasks) {
    ids.push_back(task->id());
    by_id[task->id()] = task;
  }
  for (const store::CommentRow& row : store::comments::ListForTasks(txn, ids)) {
    ToProto(row, by_id.at(row.task_id)->add_comments());
  }
}

// Keyset state of ListTasks: which query a token belongs to.
std::string ListTasksScope(const v1::ListTasksRequest& request) {
  return "tasks\nfilter=" + request.filter() + "\norder_by=id";
}

void CheckSupportedListQuery(const v1::ListTasksRequest& request) {
  if (!request.filter().empty()) {
    throw StatusError(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                   "filter: filtering is not supported by this server version"));
  }
  const std::string& order = request.order_by();
  if (!order.empty() && order != "id" && order != "id asc") {
    throw StatusError(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                   "order_by: only \"id\" is supported by this server version"));
  }
}

}  // namespace

grpc::ServerUnaryReactor* TaskService::CreateTask(grpc::CallbackServerContext* context,
                                                  const v1::CreateTaskRequest* request,
                                                  v1::Task* response) {
  try {
    if (!request->has_task()) ThrowInvalidArgument("task", "is required");
    CheckWritableFields(request->task(), ParseTaskUpdateMask({}));
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [this, request, response](Deadline deadline) {
    const store::TaskValues values = ToTaskValues(request->task());
    const store::TaskRow row = database_.Transact(
        deadline, [&](pqxx::work& txn) { return store::tasks::Insert(txn, values); });
    ToProto(row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::GetTask(grpc::CallbackServerContext* context,
                                               const v1::GetTaskRequest* request,
                                               v1::Task* response) {
  TaskReadMask mask;
  try {
    CheckId("id", request->id());
    mask = ParseTaskReadMask(request->read_mask(), "read_mask");
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [this, request, response, mask](Deadline deadline) {
    database_.Transact(deadline, [&](pqxx::work& txn) {
      const std::optional<store::TaskRow> row = store::tasks::Find(txn, request->id());
      if (!row) ThrowNotFound("task", request->id());
      ToProto(*row, response);
      if (mask.include_comments) AttachComments(txn, {response});
    });
    ApplyTaskReadMask(mask, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::ListTasks(grpc::CallbackServerContext* context,
                                                 const v1::ListTasksRequest* request,
                                                 v1::ListTasksResponse* response) {
  TaskReadMask mask;
  int page_size = 0;
  int32_t after_id = 0;
  const std::string scope = ListTasksScope(*request);
  try {
    page_size = PageSize(request->page_size());
    CheckSupportedListQuery(*request);
    mask = ParseTaskReadMask(request->read_mask(), "read_mask");
    after_id = DecodeLastId(request->page_token(), scope);
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [=, this](Deadline deadline) {
    database_.Transact(deadline, [&](pqxx::work& txn) {
      // One row more than the page tells whether another page exists.
      std::vector<store::TaskRow> rows = store::tasks::ListAfter(txn, after_id, page_size + 1);
      if (static_cast<int>(rows.size()) > page_size) {
        rows.pop_back();
        response->set_next_page_token(EncodeLastId(scope, rows.back().id));
      }
      std::vector<v1::Task*> tasks;
      for (const store::TaskRow& row : rows) {
        v1::Task* task = response->add_tasks();
        ToProto(row, task);
        tasks.push_back(task);
      }
      if (mask.include_comments) AttachComments(txn, tasks);
    });
    for (v1::Task& task : *response->mutable_tasks()) ApplyTaskReadMask(mask, &task);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::UpdateTask(grpc::CallbackServerContext* context,
                                                  const v1::UpdateTaskRequest* request,
                                                  v1::Task* response) {
  store::TaskColumns columns;
  try {
    if (!request->has_task()) ThrowInvalidArgument("task", "is required");
    CheckId("task.id", request->task().id());
    columns = ParseTaskUpdateMask(request->update_mask());
    CheckWritableFields(request->task(), columns);
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [this, request, response, columns](Deadline deadline) {
    const v1::Task& task = request->task();
    store::TaskValues values = ToTaskValues(task);
    const store::TaskRow row = database_.Transact(deadline, [&](pqxx::work& txn) {
      if (!columns.any()) {
        // Only output-only paths were named: nothing to write, but the etag
        // condition and existence still hold the caller to the contract.
        std::optional<store::TaskRow> current = store::tasks::Find(txn, task.id());
        if (!current) ThrowNotFound("task", task.id());
        if (!task.etag().empty() && task.etag() != current->etag) {
          ThrowStaleEtag("task.etag");
        }
        return *current;
      }
      store::tasks::UpdateResult result =
          store::tasks::Update(txn, task.id(), values, columns, task.etag());
      if (result.outcome == store::WriteOutcome::kNotFound) ThrowNotFound("task", task.id());
      if (result.outcome == store::WriteOutcome::kStaleEtag) {
        ThrowStaleEtag("task.etag");
      }
      return *result.row;
    });
    ToProto(row, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::DeleteTask(grpc::CallbackServerContext* context,
                                                  const v1::DeleteTaskRequest* request,
                                                  google::protobuf::Empty* /*response*/) {
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return CallRunner::Reject(context, error.status());
  }
  return runner_.Run(context, [this, request](Deadline deadline) {
    const store::WriteOutcome outcome = database_.Transact(deadline, [&](pqxx::work& txn) {
      return store::tasks::Delete(txn, request->id(), request->etag());
    });
    if (outcome == store::WriteOutcome::kNotFound) ThrowNotFound("task", request->id());
    if (outcome == store::WriteOutcome::kStaleEtag) {
      ThrowStaleEtag("etag");
    }
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
