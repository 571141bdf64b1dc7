#pragma once

#include <span>
#include <vector>

#include "api/call_batch.hpp"
#include "api/call_runner.hpp"
#include "photoflow/v1/comment_service.grpc.pb.h"

namespace photoflow::api {

// photoflow.v1.CommentService on the gRPC callback API. Every comment create
// and delete changes the task's amount_of_comments in the same transaction.
class CommentService final : public v1::CommentService::CallbackService {
 public:
  explicit CommentService(CallRunner& runner);

  // What a batch of CreateComment calls (without request_id) needs of each
  // call (CallBatch).
  struct CreateCall {
    const v1::CreateCommentRequest* request;
    v1::Comment* response;
  };

  grpc::ServerUnaryReactor* CreateComment(grpc::CallbackServerContext* context,
                                          const v1::CreateCommentRequest* request,
                                          v1::Comment* response) override;
  grpc::ServerUnaryReactor* GetComment(grpc::CallbackServerContext* context,
                                       const v1::GetCommentRequest* request,
                                       v1::Comment* response) override;
  grpc::ServerUnaryReactor* ListComments(grpc::CallbackServerContext* context,
                                         const v1::ListCommentsRequest* request,
                                         v1::ListCommentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateComment(grpc::CallbackServerContext* context,
                                          const v1::UpdateCommentRequest* request,
                                          v1::Comment* response) override;
  grpc::ServerUnaryReactor* DeleteComment(grpc::CallbackServerContext* context,
                                          const v1::DeleteCommentRequest* request,
                                          google::protobuf::Empty* response) override;

 private:
  CallRunner& runner_;
  CallBatch<CreateCall> creates_;
};

}  // namespace photoflow::api
