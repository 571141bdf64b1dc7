#pragma once

#include <span>
#include <vector>

#include "api/call_batch.hpp"
#include "api/call_runner.hpp"
#include "api/field_masks.hpp"
#include "api/raw_method.hpp"
#include "photoflow/v1/task_service.grpc.pb.h"

namespace photoflow::api {

// Every method raw (ByteBuffer in, ByteBuffer out): the service parses
// requests itself (ServeParsed).
using RawTaskService = v1::TaskService::WithRawCallbackMethod_CreateTask<
    v1::TaskService::WithRawCallbackMethod_GetTask<v1::TaskService::WithRawCallbackMethod_ListTasks<
        v1::TaskService::WithRawCallbackMethod_UpdateTask<
            v1::TaskService::WithRawCallbackMethod_DeleteTask<
                v1::TaskService::WithRawCallbackMethod_BatchGetTasks<
                    v1::TaskService::WithRawCallbackMethod_BatchCreateTasks<
                        v1::TaskService::WithRawCallbackMethod_BatchDeleteTasks<
                            v1::TaskService::WithRawCallbackMethod_SummarizeBoard<
                                v1::TaskService::WithRawCallbackMethod_WatchTasks<
                                    v1::TaskService::Service>>>>>>>>>>;

// photoflow.v1.TaskService on the gRPC callback API: validates on the gRPC
// thread, runs SQL on the worker pool.
class TaskService final : public RawTaskService {
 public:
  explicit TaskService(const MethodContext& methods);

  // What a batch of GetTask (read masks without comments) or CreateTask
  // (without request_id) calls needs of each call (CallBatch).
  struct GetCall {
    const v1::GetTaskRequest* request;
    v1::Task* response;
    ReadMask mask;
  };
  struct CreateCall {
    const v1::CreateTaskRequest* request;
    v1::Task* response;
  };

  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  // Batch methods and SummarizeBoard: task_batch_methods.cpp, board_summary.cpp.
  grpc::ServerUnaryReactor* BatchGetTasks(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchCreateTasks(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchDeleteTasks(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SummarizeBoard(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  // Server streaming: watch_tasks.cpp.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchTasks(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request) override;

 private:
  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context,
                                       ParsedCall<v1::CreateTaskRequest, v1::Task> call);
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    ParsedCall<v1::GetTaskRequest, v1::Task> call);
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      ParsedCall<v1::ListTasksRequest, v1::ListTasksResponse> call);
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       ParsedCall<v1::UpdateTaskRequest, v1::Task> call);
  grpc::ServerUnaryReactor* DeleteTask(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::DeleteTaskRequest, google::protobuf::Empty> call);
  grpc::ServerUnaryReactor* BatchGetTasks(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::BatchGetTasksRequest, v1::BatchGetTasksResponse> call);
  grpc::ServerUnaryReactor* BatchCreateTasks(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::BatchCreateTasksRequest, v1::BatchCreateTasksResponse> call);
  grpc::ServerUnaryReactor* BatchDeleteTasks(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::BatchDeleteTasksRequest, google::protobuf::Empty> call);
  grpc::ServerUnaryReactor* SummarizeBoard(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::SummarizeBoardRequest, v1::SummarizeBoardResponse> call);

  MethodContext methods_;
  CallRunner& runner_;
  CallBatch<GetCall> gets_;
  CallBatch<CreateCall> creates_;
};

}  // namespace photoflow::api
