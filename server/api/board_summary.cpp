// TaskService.SummarizeBoard (AIP-136): counts per kanban column from one
// statement (store/board_summary.cpp).
#include <google/protobuf/util/time_util.h>

#include "api/task_reads.hpp"
#include "api/task_service.hpp"
#include "store/board_summary.hpp"

namespace photoflow::api {
namespace {

void ToProto(const store::board::ColumnCounts& counts, v1::ColumnSummary* summary) {
  summary->set_task_column(counts.task_column);
  summary->set_unfinished_tasks(counts.unfinished_tasks);
  summary->set_finished_tasks(counts.finished_tasks);
  summary->set_overdue_tasks(counts.overdue_tasks);
  summary->set_comments(counts.comments);
}

}  // namespace

grpc::ServerUnaryReactor* TaskService::SummarizeBoard(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return ServeParsed(methods_, "SummarizeBoard", auth::kTasksRead, this,
                     &TaskService::SummarizeBoard, context, request, response);
}

grpc::ServerUnaryReactor* TaskService::SummarizeBoard(
    grpc::CallbackServerContext* context,
    ParsedCall<v1::SummarizeBoardRequest, v1::SummarizeBoardResponse> call) {
  const v1::SummarizeBoardRequest* request = &call->request;
  v1::SummarizeBoardResponse* response = &call->response;
  query::SqlCondition filter;
  try {
    filter = CompileFilter(request->filter(), 1);
  } catch (const StatusError& error) {
    return runner_.Reject(context, *call, error.status());
  }
  return runner_.Run(context, std::move(call), [filter, response](db::Session& session) {
    const store::board::BoardCounts counts = session.ReadStatement([&](db::Transaction& txn) {
      return store::board::Summarize(txn, filter.sql, filter.parameters);
    });
    store::board::ColumnCounts total;
    for (const store::board::ColumnCounts& column : counts.columns) {
      ToProto(column, response->add_columns());
      total.unfinished_tasks += column.unfinished_tasks;
      total.finished_tasks += column.finished_tasks;
      total.overdue_tasks += column.overdue_tasks;
      total.comments += column.comments;
    }
    ToProto(total, response->mutable_total());
    *response->mutable_as_of() =
        google::protobuf::util::TimeUtil::MillisecondsToTimestamp(counts.as_of_millis);
    return grpc::Status::OK;
  });
}

}  // namespace photoflow::api
