#pragma once

#include <span>
#include <vector>

#include "api/call_batch.hpp"
#include "api/call_runner.hpp"
#include "api/field_masks.hpp"
#include "photoflow/v1/task_service.grpc.pb.h"

namespace photoflow::api {

// photoflow.v1.TaskService on the gRPC callback API: validates on the gRPC
// thread, runs SQL on the worker pool.
class TaskService final : public v1::TaskService::CallbackService {
 public:
  explicit TaskService(CallRunner& runner);

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
                                       const v1::CreateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    const v1::GetTaskRequest* request, v1::Task* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       const v1::UpdateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* context,
                                       const v1::DeleteTaskRequest* request,
                                       google::protobuf::Empty* response) override;

 private:
  CallRunner& runner_;
  CallBatch<GetCall> gets_;
  CallBatch<CreateCall> creates_;
};

}  // namespace photoflow::api
