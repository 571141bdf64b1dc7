#include "api/task_service.hpp"

#include <unordered_map>

#include "api/field_masks.hpp"
#include "api/idempotency.hpp"
#include "api/mapping.hpp"
#include "api/paging.hpp"
#include "api/task_reads.hpp"
#include "api/validation.hpp"
#include "query/filter.hpp"
#include "query/order_by.hpp"
#include "query/page_token.hpp"
#include "store/comment_store.hpp"
#include "store/task_store.hpp"

namespace photoflow::api {
namespace {

using model::kTaskFields;

void CheckWritableFields(const v1::Task& task, model::FieldSet fields) {
  CheckFields(TaskBinding(), task, fields, "task.");
}

// A ListTasks request turned into SQL: its filter, its order, and where the
// requested page starts.
struct TaskListQuery {
  query::SqlCondition condition;  // filter AND after-the-last-row, parameters from $1
  std::vector<query::SortKey> order;
  std::string scope;  // what page tokens are bound to
};

TaskListQuery BuildListQuery(const v1::ListTasksRequest& request) {
  TaskListQuery list;
  list.condition = CompileFilter(request.filter(), 1);
  try {
    list.order = query::ParseTaskOrderBy(request.order_by());
  } catch (const std::invalid_argument& error) {
    ThrowInvalidArgument("order_by", error.what());
  }
  list.scope =
      "tasks\nfilter=" + request.filter() + "\norder_by=" + query::CanonicalOrderBy(list.order);
  if (request.page_token().empty()) return list;

  std::vector<std::string> last;
  try {
    last = query::DecodePageToken(request.page_token(), list.scope);
  } catch (const query::InvalidPageToken& error) {
    ThrowInvalidArgument("page_token", error.what());
  }
  bool valid = last.size() == list.order.size();
  for (size_t i = 0; valid && i < last.size(); ++i) {
    valid = query::IsValidKeyValue(list.order[i].field->type, last[i]);
  }
  if (!valid) ThrowInvalidArgument("page_token", "is not a valid token");
  const query::SqlCondition after = query::AfterKeyCondition(
      list.order, last, static_cast<int>(list.condition.parameters.size()) + 1);
  list.condition.sql = "(" + list.condition.sql + ") AND " + after.sql;
  list.condition.parameters.insert(list.condition.parameters.end(), after.parameters.begin(),
                                   after.parameters.end());
  return list;
}

// One CreateTask: its insert, or with a request_id the row that key created.
store::TaskRow CreateOne(db::Session& session, const v1::CreateTaskRequest& request) {
  const store::TaskRow values = ToTaskValues(request.task(), model::kWritableTaskFields);
  // Only a request_id needs the fingerprint (a SHA-256 of the request).
  const std::string fingerprint =
      request.request_id().empty() ? std::string() : RequestFingerprint(request.task());
  auto work = [&](db::Transaction& txn) {
    return CreateOnce(
        txn, request.request_id(), "CreateTask", fingerprint,
        [&] { return store::tasks::Insert(txn, values); },
        [&](const std::vector<int32_t>& ids) {
          const int32_t id = ids.at(0);
          std::optional<store::TaskRow> first = store::tasks::Find(txn, id);
          if (!first) {
            ThrowNotFound(Resource::kTask, id, "(created by this request_id and since deleted)");
          }
          return *first;
        });
  };
  // Without a request_id the work is one INSERT; with one, the key's claim
  // and record commit together with the row.
  return request.request_id().empty() ? session.WriteStatement(work) : session.Write(work);
}

// CreateTask calls without request_id: one insert, or for several one
// multi-row INSERT (one statement, one commit).
std::vector<grpc::Status> CreateTasks(db::Session& session,
                                      std::span<const TaskService::CreateCall* const> calls) {
  if (calls.size() == 1) {
    ToProto(CreateOne(session, *calls[0]->request), model::kTaskColumns, calls[0]->response);
    return {grpc::Status::OK};
  }
  std::vector<store::TaskRow> values;
  values.reserve(calls.size());
  for (const TaskService::CreateCall* call : calls) {
    values.push_back(ToTaskValues(call->request->task(), model::kWritableTaskFields));
  }
  const std::vector<store::TaskRow> rows = session.WriteStatement(
      [&](db::Transaction& txn) { return store::tasks::InsertMany(txn, values); });
  for (size_t i = 0; i < calls.size(); ++i) {
    ToProto(rows[i], model::kTaskColumns, calls[i]->response);
  }
  std::vector<grpc::Status> statuses(calls.size(), grpc::Status::OK);
  return statuses;
}

// GetTask calls whose masks leave out comments: one SELECT by id, or for
// several one SELECT ... WHERE id = ANY($1), each call answered from the row
// with its id.
std::vector<grpc::Status> GetTasks(db::Session& session,
                                   std::span<const TaskService::GetCall* const> calls) {
  if (calls.size() == 1) {
    const TaskService::GetCall& call = *calls[0];
    std::optional<store::TaskRow> row = session.ReadStatement([&](db::Transaction& txn) {
      return store::tasks::Find(txn, call.request->id(), call.mask.columns);
    });
    if (!row) return {NotFoundStatus(Resource::kTask, call.request->id())};
    ToProto(*row, call.mask.fields, call.response);
    return {grpc::Status::OK};
  }
  std::vector<int32_t> ids;
  ids.reserve(calls.size());
  for (const TaskService::GetCall* call : calls) ids.push_back(call->request->id());
  const std::vector<store::TaskRow> rows =
      session.ReadStatement([&](db::Transaction& txn) { return store::tasks::FindMany(txn, ids); });
  std::unordered_map<int32_t, const store::TaskRow*> by_id;
  for (const store::TaskRow& row : rows) by_id[row.int32(model::kTaskId)] = &row;
  std::vector<grpc::Status> statuses;
  statuses.reserve(calls.size());
  for (const TaskService::GetCall* call : calls) {
    const auto found = by_id.find(call->request->id());
    if (found == by_id.end()) {
      statuses.push_back(NotFoundStatus(Resource::kTask, call->request->id()));
      continue;
    }
    ToProto(*found->second, call->mask.fields, call->response);
    statuses.push_back(grpc::Status::OK);
  }
  return statuses;
}

}  // namespace

TaskService::TaskService(const MethodContext& methods)
    : methods_(methods),
      runner_(methods.runner),
      gets_("GetTask", GetTasks),
      creates_("CreateTask", CreateTasks) {}

// The raw methods gRPC calls: each parses its request, then runs the handler below.
grpc::ServerUnaryReactor* TaskService::CreateTask(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "CreateTask", auth::kTasksWrite, this, &TaskService::CreateTask,
                     context, request, response);
}

grpc::ServerUnaryReactor* TaskService::GetTask(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "GetTask", auth::kTasksRead, this, &TaskService::GetTask, context,
                     request, response);
}

grpc::ServerUnaryReactor* TaskService::ListTasks(grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "ListTasks", auth::kTasksRead, this, &TaskService::ListTasks,
                     context, request, response);
}

grpc::ServerUnaryReactor* TaskService::UpdateTask(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "UpdateTask", auth::kTasksWrite, this, &TaskService::UpdateTask,
                     context, request, response);
}

grpc::ServerUnaryReactor* TaskService::DeleteTask(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "DeleteTask", auth::kTasksWrite, this, &TaskService::DeleteTask,
                     context, request, response);
}

grpc::ServerUnaryReactor* TaskService::CreateTask(
    grpc::CallbackServerContext* context, ParsedCall<v1::CreateTaskRequest, v1::Task> call) {
  const v1::CreateTaskRequest* request = &call->request;
  v1::Task* response = &call->response;
  try {
    if (!request->has_task()) ThrowInvalidArgument("task", "is required");
    CheckWritableFields(request->task(), model::kWritableTaskFields);
    CheckRequestId(request->request_id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  if (request->request_id().empty()) {
    return runner_.RunBatched(context, std::move(call), creates_, CreateCall{request, response});
  }
  // A request_id's claim and record run with the insert, one call at a time.
  return runner_.Run(context, std::move(call), [request, response](db::Session& session) {
    ToProto(CreateOne(session, *request), model::kTaskColumns, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::GetTask(grpc::CallbackServerContext* context,
                                               ParsedCall<v1::GetTaskRequest, v1::Task> call) {
  const v1::GetTaskRequest* request = &call->request;
  v1::Task* response = &call->response;
  ReadMask mask;
  try {
    CheckId("id", request->id());
    mask = ParseTaskReadMask(request->read_mask());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  if (!IncludesComments(mask)) {
    return runner_.RunBatched(context, std::move(call), gets_, GetCall{request, response, mask});
  }
  return runner_.Run(context, std::move(call), [request, response, mask](db::Session& session) {
    // With comments: two statements, one snapshot.
    const TaskRows rows = session.Read([&](db::Transaction& txn) {
      std::optional<store::TaskRow> row = store::tasks::Find(txn, request->id(), mask.columns);
      if (!row) ThrowNotFound(Resource::kTask, request->id());
      return ReadComments(txn, {std::move(*row)}, /*include_comments=*/true);
    });
    EmitTasks(rows, mask, [response] { return response; });
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::ListTasks(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::ListTasksRequest, v1::ListTasksResponse> call) {
  const v1::ListTasksRequest* request = &call->request;
  v1::ListTasksResponse* response = &call->response;
  ReadMask mask;
  int page_size = 0;
  TaskListQuery list;
  try {
    page_size = PageSize(request->page_size());
    list = BuildListQuery(*request);
    mask = ParseTaskReadMask(request->read_mask());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  // The page token needs the sort keys of the last row, whatever the mask says.
  model::FieldSet columns = mask.columns;
  for (const query::SortKey& key : list.order) columns |= model::Bit(key.index());
  return runner_.Run(context, std::move(call), [=](db::Session& session) {
    bool more = false;
    const TaskRows rows = ReadTasks(session, mask, [&](db::Transaction& txn) {
      std::vector<store::TaskRow> page =
          store::tasks::List(txn, list.condition.sql, list.condition.parameters,
                             query::OrderBySql(list.order), page_size + 1, columns);
      more = DropLookaheadRow(page, page_size);
      return ReadComments(txn, std::move(page), IncludesComments(mask));
    });
    EmitTasks(rows, mask, [response] { return response->add_tasks(); });
    if (more) {
      response->set_next_page_token(
          query::EncodePageToken(list.scope, SortKeyValues(rows.tasks.back(), list.order)));
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::UpdateTask(
    grpc::CallbackServerContext* context, ParsedCall<v1::UpdateTaskRequest, v1::Task> call) {
  const v1::UpdateTaskRequest* request = &call->request;
  v1::Task* response = &call->response;
  model::FieldSet columns = 0;
  try {
    if (!request->has_task()) ThrowInvalidArgument("task", "is required");
    CheckId("task.id", request->task().id());
    columns = ParseUpdateMask(kTaskFields, request->update_mask());
    CheckWritableFields(request->task(), columns);
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request, response, columns](db::Session& session) {
    const v1::Task& task = request->task();
    const store::TaskRow values = ToTaskValues(task, columns);
    // One statement (the etag is checked by the UPDATE itself); the Exists
    // that may follow only tells NOT_FOUND from a stale etag.
    const store::TaskRow row = session.WriteStatement([&](db::Transaction& txn) {
      if (columns == 0) {
        // Only output-only paths were named: nothing to write, but the etag
        // condition and existence still hold the caller to the contract.
        std::optional<store::TaskRow> current = store::tasks::Find(txn, task.id());
        if (!current) ThrowNotFound(Resource::kTask, task.id());
        if (!task.etag().empty() && task.etag() != current->text(model::kTaskEtag)) {
          ThrowStaleEtag("task.etag");
        }
        return *current;
      }
      store::tasks::UpdateResult result =
          store::tasks::Update(txn, task.id(), values, columns, task.etag());
      if (result.outcome == store::WriteOutcome::kNotFound)
        ThrowNotFound(Resource::kTask, task.id());
      if (result.outcome == store::WriteOutcome::kStaleEtag) {
        ThrowStaleEtag("task.etag");
      }
      return *result.row;
    });
    ToProto(row, model::kTaskColumns, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::DeleteTask(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::DeleteTaskRequest, google::protobuf::Empty> call) {
  const v1::DeleteTaskRequest* request = &call->request;
  try {
    CheckId("id", request->id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request](db::Session& session) {
    // One DELETE (ON DELETE CASCADE takes the comments with it); the Exists
    // that may follow only tells NOT_FOUND from a stale etag.
    const store::WriteOutcome outcome = session.WriteStatement([&](db::Transaction& txn) {
      return store::tasks::Delete(txn, request->id(), request->etag());
    });
    if (outcome == store::WriteOutcome::kNotFound) ThrowNotFound(Resource::kTask, request->id());
    if (outcome == store::WriteOutcome::kStaleEtag) {
      ThrowStaleEtag("etag");
    }
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
