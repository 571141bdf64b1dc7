#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include "photoflow/v1/comment_service.grpc.pb.h"
#include "photoflow/v1/task_service.grpc.pb.h"

#include "shared/channel_security.hpp"

namespace photoflow::bench {

// The stubs of one connection.
struct Connection {
  Connection(std::shared_ptr<grpc::Channel> channel, std::string token);
  // A context for one call: `deadline` from now, and the bearer token.
  std::unique_ptr<grpc::ClientContext> NewContext(std::chrono::milliseconds deadline) const;
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
  std::unique_ptr<v1::TaskService::Stub> tasks;
  std::unique_ptr<v1::CommentService::Stub> comments;
  std::unique_ptr<grpc::GenericStub> generic;  // grpc.health.v1.Health/Check, without codegen
};

// `count` connections to `address`, each its own HTTP/2 connection, secured
// as `security` says.
std::vector<std::unique_ptr<Connection>> Connect(const std::string& address, int count,
                                                 const client::ChannelSecurity& security);

// What the calls of one scenario need to know about the board.
struct Board {
  std::vector<int32_t> task_ids;  // for get, update, comment
  int columns = 4;
  std::string list_page_token;  // for list: the page --page asks for (empty: page 1)
};

// The request of scenario "list": 50 unfinished tasks by due date, from
// `page_token` (empty: page 1).
void SetUnfinishedByDueDate(v1::ListTasksRequest& request, const std::string& page_token);

// One call slot: a call in flight at a time, with its own messages.
struct Slot {
  std::unique_ptr<grpc::ClientContext> context;
  std::mt19937_64 random;
  v1::GetTaskRequest get;
  v1::ListTasksRequest list;
  v1::ListTasksResponse list_response;
  v1::CreateTaskRequest create;
  v1::UpdateTaskRequest update;
  v1::CreateCommentRequest comment;
  v1::SummarizeBoardRequest summarize;
  v1::SummarizeBoardResponse summary;
  v1::Task task;
  v1::Comment comment_response;
  grpc::ByteBuffer health_request;
  grpc::ByteBuffer health_response;
};

using Done = std::function<void(const grpc::Status&)>;

// Starts one call of `scenario` ("get", "list", ...; not "mixed") on
// `connection`; `done` runs on a gRPC thread when it ends.
void StartCall(const std::string& scenario, const Board& board, Connection& connection, Slot& slot,
               std::chrono::milliseconds deadline, Done done);

// A task as --seed and the create scenario write it: due on a whole day
// (as the PhotoFlow app stores due dates) within 60 days, in one of `columns`.
v1::Task NewTask(std::mt19937_64& random, int columns);

}  // namespace photoflow::bench
