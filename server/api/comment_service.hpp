#pragma once

#include <span>
#include <vector>

#include "api/call_batch.hpp"
#include "api/call_runner.hpp"
#include "api/raw_method.hpp"
#include "photoflow/v1/comment_service.grpc.pb.h"

namespace photoflow::api {

// Every method raw (ByteBuffer in, ByteBuffer out): the service parses
// requests itself (ServeParsed).
using RawCommentService = v1::CommentService::WithRawCallbackMethod_CreateComment<
    v1::CommentService::WithRawCallbackMethod_GetComment<
        v1::CommentService::WithRawCallbackMethod_ListComments<
            v1::CommentService::WithRawCallbackMethod_UpdateComment<
                v1::CommentService::WithRawCallbackMethod_DeleteComment<
                    v1::CommentService::Service>>>>>;

// photoflow.v1.CommentService on the gRPC callback API. Every comment create
// and delete changes the task's amount_of_comments in the same transaction.
class CommentService final : public RawCommentService {
 public:
  explicit CommentService(const MethodContext& methods);

  // What a batch of CreateComment calls (without request_id) needs of each
  // call (CallBatch).
  struct CreateCall {
    const v1::CreateCommentRequest* request;
    v1::Comment* response;
  };

  grpc::ServerUnaryReactor* CreateComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetComment(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListComments(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* DeleteComment(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

 private:
  grpc::ServerUnaryReactor* CreateComment(grpc::CallbackServerContext* context,
                                          ParsedCall<v1::CreateCommentRequest, v1::Comment> call);
  grpc::ServerUnaryReactor* GetComment(grpc::CallbackServerContext* context,
                                       ParsedCall<v1::GetCommentRequest, v1::Comment> call);
  grpc::ServerUnaryReactor* ListComments(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::ListCommentsRequest, v1::ListCommentsResponse> call);
  grpc::ServerUnaryReactor* UpdateComment(grpc::CallbackServerContext* context,
                                          ParsedCall<v1::UpdateCommentRequest, v1::Comment> call);
  grpc::ServerUnaryReactor* DeleteComment(
      grpc::CallbackServerContext* context,
      ParsedCall<v1::DeleteCommentRequest, google::protobuf::Empty> call);

  MethodContext methods_;
  CallRunner& runner_;
  CallBatch<CreateCall> creates_;
};

}  // namespace photoflow::api
