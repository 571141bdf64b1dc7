// TaskService's batch methods (AIP-231, AIP-233, AIP-235): each is one
// transaction, all or nothing, and uses the multi-row statements that batched
// GetTask and CreateTask calls use.
#include <unordered_map>
#include <unordered_set>

#include "api/idempotency.hpp"
#include "api/mapping.hpp"
#include "api/task_reads.hpp"
#include "api/task_service.hpp"
#include "api/validation.hpp"
#include "store/task_store.hpp"

namespace photoflow::api {
namespace {

constexpr int kMaxBatchSize = 1000;

void CheckBatchSize(std::string_view field, int size, std::string_view what) {
  if (size < 1 || size > kMaxBatchSize) {
    ThrowInvalidArgument(field, "must hold 1 to " + std::to_string(kMaxBatchSize) + " " +
                                    std::string(what) + ", not " + std::to_string(size));
  }
}

std::string Element(std::string_view field, int index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

// The rows of `ids` (every column) in a map by id, and the ids that have none.
struct FoundTasks {
  std::unordered_map<int32_t, store::TaskRow> by_id;
  std::vector<int64_t> missing;  // in request order, each once
};

FoundTasks FindTasks(db::Transaction& txn, const std::vector<int32_t>& ids) {
  FoundTasks found;
  for (store::TaskRow& row : store::tasks::FindMany(txn, ids)) {
    found.by_id.emplace(row.int32(model::kTaskId), std::move(row));
  }
  std::unordered_set<int32_t> reported;
  for (const int32_t id : ids) {
    if (!found.by_id.contains(id) && reported.insert(id).second) found.missing.push_back(id);
  }
  return found;
}

// A BatchCreateTasks request_id's fingerprint: the request without its key.
std::string BatchFingerprint(const v1::BatchCreateTasksRequest& request) {
  v1::BatchCreateTasksRequest payload = request;
  payload.clear_request_id();
  return RequestFingerprint(payload);
}

std::vector<store::TaskRow> CreateBatch(db::Session& session,
                                        const v1::BatchCreateTasksRequest& request) {
  std::vector<store::TaskRow> values;
  values.reserve(request.requests_size());
  for (const v1::CreateTaskRequest& create : request.requests()) {
    values.push_back(ToTaskValues(create.task(), model::kWritableTaskFields));
  }
  if (request.request_id().empty()) {
    return session.WriteStatement(
        [&](db::Transaction& txn) { return store::tasks::InsertMany(txn, values); });
  }
  const std::string fingerprint = BatchFingerprint(request);
  // The key's claim and record commit together with the rows.
  return session.Write([&](db::Transaction& txn) {
    return CreateOnce(
        txn, request.request_id(), "BatchCreateTasks", fingerprint,
        [&] { return store::tasks::InsertMany(txn, values); },
        [&](const std::vector<int32_t>& ids) {
          FoundTasks first = FindTasks(txn, ids);
          if (!first.missing.empty()) {
            throw StatusError(NotFoundStatus(Resource::kTask, first.missing));
          }
          std::vector<store::TaskRow> rows;
          rows.reserve(ids.size());
          for (const int32_t id : ids) rows.push_back(first.by_id.at(id));
          return rows;
        });
  });
}

}  // namespace

grpc::ServerUnaryReactor* TaskService::BatchGetTasks(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "BatchGetTasks", auth::kTasksRead, this, &TaskService::BatchGetTasks,
                     context, request, response);
}

grpc::ServerUnaryReactor* TaskService::BatchCreateTasks(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "BatchCreateTasks", auth::kTasksWrite, this,
                     &TaskService::BatchCreateTasks, context, request, response);
}

grpc::ServerUnaryReactor* TaskService::BatchDeleteTasks(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "BatchDeleteTasks", auth::kTasksWrite, this,
                     &TaskService::BatchDeleteTasks, context, request, response);
}

grpc::ServerUnaryReactor* TaskService::BatchGetTasks(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::BatchGetTasksRequest, v1::BatchGetTasksResponse> call) {
  const v1::BatchGetTasksRequest* request = &call->request;
  v1::BatchGetTasksResponse* response = &call->response;
  ReadMask mask;
  try {
    CheckBatchSize("ids", request->ids_size(), "ids");
    for (int i = 0; i < request->ids_size(); ++i) CheckId(Element("ids", i), request->ids(i));
    mask = ParseTaskReadMask(request->read_mask());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request, response, mask](db::Session& session) {
    const std::vector<int32_t> ids(request->ids().begin(), request->ids().end());
    struct Read {
      FoundTasks found;
      std::vector<store::CommentRow> comments;
    };
    const Read read = ReadTasks(session, mask, [&](db::Transaction& txn) {
      Read rows{FindTasks(txn, ids), {}};
      if (rows.found.missing.empty() && IncludesComments(mask)) {
        std::vector<store::TaskRow> tasks;
        for (const auto& [id, row] : rows.found.by_id) tasks.push_back(row);
        rows.comments = ReadComments(txn, std::move(tasks), true).comments;
      }
      return rows;
    });
    if (!read.found.missing.empty()) return NotFoundStatus(Resource::kTask, read.found.missing);
    // One message per id asked, repeats included, in the order asked.
    std::unordered_multimap<int32_t, v1::Task*> messages;
    for (const int32_t id : ids) {
      v1::Task* task = response->add_tasks();
      ToProto(read.found.by_id.at(id), mask.fields, task);
      messages.emplace(id, task);
    }
    for (const store::CommentRow& comment : read.comments) {
      const auto [first, last] = messages.equal_range(comment.int32(model::kCommentTaskId));
      for (auto it = first; it != last; ++it) ToProto(comment, it->second->add_comments());
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::BatchCreateTasks(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::BatchCreateTasksRequest, v1::BatchCreateTasksResponse> call) {
  const v1::BatchCreateTasksRequest* request = &call->request;
  v1::BatchCreateTasksResponse* response = &call->response;
  try {
    CheckBatchSize("requests", request->requests_size(), "creates");
    for (int i = 0; i < request->requests_size(); ++i) {
      const v1::CreateTaskRequest& create = request->requests(i);
      const std::string prefix = Element("requests", i);
      if (!create.has_task()) ThrowInvalidArgument(prefix + ".task", "is required");
      if (!create.request_id().empty()) {
        ThrowInvalidArgument(prefix + ".request_id",
                             "must be empty: set BatchCreateTasksRequest.request_id instead");
      }
      CheckFields(TaskBinding(), create.task(), model::kWritableTaskFields, prefix + ".task.");
    }
    CheckRequestId(request->request_id());
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request, response](db::Session& session) {
    for (const store::TaskRow& row : CreateBatch(session, *request)) {
      ToProto(row, model::kTaskColumns, response->add_tasks());
    }
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* TaskService::BatchDeleteTasks(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::BatchDeleteTasksRequest, google::protobuf::Empty> call) {
  const v1::BatchDeleteTasksRequest* request = &call->request;
  try {
    CheckBatchSize("requests", request->requests_size(), "deletes");
    std::unordered_map<int32_t, int> first_index;
    for (int i = 0; i < request->requests_size(); ++i) {
      const std::string field = Element("requests", i) + ".id";
      CheckId(field, request->requests(i).id());
      const auto [seen, fresh] = first_index.emplace(request->requests(i).id(), i);
      if (!fresh)
        ThrowInvalidArgument(field, "repeats " + Element("requests", seen->second) + ".id");
    }
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [request](db::Session& session) {
    std::vector<int32_t> ids;
    std::vector<std::string> etags;
    for (const v1::DeleteTaskRequest& task : request->requests()) {
      ids.push_back(task.id());
      etags.push_back(task.etag());
    }
    // A transaction: when one task is missing or stale, nothing is deleted.
    session.Write([&](db::Transaction& txn) {
      const std::vector<store::WriteOutcome> outcomes = store::tasks::DeleteMany(txn, ids, etags);
      std::vector<int64_t> missing;
      int stale = -1;
      for (size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i] == store::WriteOutcome::kNotFound) missing.push_back(ids[i]);
        if (outcomes[i] == store::WriteOutcome::kStaleEtag && stale < 0)
          stale = static_cast<int>(i);
      }
      if (!missing.empty()) throw StatusError(NotFoundStatus(Resource::kTask, missing));
      if (stale >= 0) ThrowStaleEtag(Element("requests", stale) + ".etag");
      return 0;
    });
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
