#include "calls.hpp"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace photoflow::bench {
namespace {

constexpr int64_t kFirstDueDay = 1'798'761'600;  // 2027-01-01T00:00:00Z

int32_t AnyTask(const Board& board, Slot& slot) {
  if (board.task_ids.empty()) return 1;
  return board.task_ids[slot.random() % board.task_ids.size()];
}

}  // namespace

Connection::Connection(std::shared_ptr<grpc::Channel> channel_, std::string token_)
    : channel(std::move(channel_)),
      token(std::move(token_)),
      tasks(v1::TaskService::NewStub(channel)),
      comments(v1::CommentService::NewStub(channel)),
      generic(std::make_unique<grpc::GenericStub>(channel)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext(
    std::chrono::milliseconds deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline);
  client::AddToken(*context, token);
  return context;
}

std::vector<std::unique_ptr<Connection>> Connect(const std::string& address, int count,
                                                 const client::ChannelSecurity& security) {
  const std::shared_ptr<grpc::ChannelCredentials> credentials =
      client::ChannelCredentialsFor(security);
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments arguments;
    // Without this, channels with equal arguments share one subchannel, hence
    // one HTTP/2 connection.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    connections.push_back(std::make_unique<Connection>(
        grpc::CreateCustomChannel(address, credentials, arguments), security.token));
  }
  return connections;
}

void SetUnfinishedByDueDate(v1::ListTasksRequest& request, const std::string& page_token) {
  request.set_page_size(50);
  request.set_order_by("due_at");
  request.set_filter("is_finished = false");
  request.set_page_token(page_token);
}

v1::Task NewTask(std::mt19937_64& random, int columns) {
  v1::Task task;
  task.set_title("Bench order " + std::to_string(random() % 1000000));
  task.set_status("Scheduled");
  task.set_additional_information("Created by photoflow-bench");
  task.set_task_column(std::to_string(1 + random() % static_cast<uint64_t>(columns)));
  task.mutable_due_at()->set_seconds(kFirstDueDay + static_cast<int64_t>(random() % 60) * 86400);
  return task;
}

void StartCall(const std::string& scenario, const Board& board, Connection& connection, Slot& slot,
               std::chrono::milliseconds deadline, Done done) {
  slot.context = connection.NewContext(deadline);
  grpc::ClientContext* context = slot.context.get();
  if (scenario == "get") {
    slot.get.set_id(AnyTask(board, slot));
    connection.tasks->async()->GetTask(context, &slot.get, &slot.task, std::move(done));
  } else if (scenario == "list" || scenario == "list-column") {
    slot.list.Clear();
    if (scenario == "list") {
      SetUnfinishedByDueDate(slot.list, board.list_page_token);
    } else {
      slot.list.set_page_size(50);
      slot.list.set_order_by("due_at");
      const uint64_t column = 1 + slot.random() % static_cast<uint64_t>(board.columns);
      slot.list.set_filter("is_finished = false AND task_column = \"" + std::to_string(column) +
                           "\"");
      for (const char* path :
           {"id", "created_at", "due_at", "title", "additional_information", "status",
            "is_finished", "task_column", "amount_of_comments", "etag", "comments"}) {
        slot.list.mutable_read_mask()->add_paths(path);
      }
    }
    slot.list_response.Clear();
    connection.tasks->async()->ListTasks(context, &slot.list, &slot.list_response, std::move(done));
  } else if (scenario == "search") {
    // A case-insensitive substring of the titles (the trigram index): one
    // seeded order's number, 50 at most by id.
    slot.list.Clear();
    slot.list.set_page_size(50);
    slot.list.set_filter("title:\"order " + std::to_string(1000 + slot.random() % 9000) + "\"");
    slot.list_response.Clear();
    connection.tasks->async()->ListTasks(context, &slot.list, &slot.list_response, std::move(done));
  } else if (scenario == "summarize") {
    slot.summary.Clear();
    connection.tasks->async()->SummarizeBoard(context, &slot.summarize, &slot.summary,
                                              std::move(done));
  } else if (scenario == "create") {
    *slot.create.mutable_task() = NewTask(slot.random, board.columns);
    connection.tasks->async()->CreateTask(context, &slot.create, &slot.task, std::move(done));
  } else if (scenario == "comment") {
    slot.comment.mutable_comment()->set_task_id(AnyTask(board, slot));
    slot.comment.mutable_comment()->set_text("Looks great");
    connection.comments->async()->CreateComment(context, &slot.comment, &slot.comment_response,
                                                std::move(done));
  } else if (scenario == "update") {
    slot.update.Clear();
    slot.update.mutable_task()->set_id(AnyTask(board, slot));
    slot.update.mutable_task()->set_status(slot.random() % 2 == 0 ? "Scheduled" : "Editing");
    slot.update.mutable_update_mask()->add_paths("status");
    connection.tasks->async()->UpdateTask(context, &slot.update, &slot.task, std::move(done));
  } else {  // health: the transport's own cost, an empty unary call
    if (!slot.health_request.Valid()) {
      grpc::Slice empty{std::string()};  // HealthCheckRequest{service: ""} is zero bytes
      slot.health_request = grpc::ByteBuffer(&empty, 1);
    }
    connection.generic->UnaryCall(context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                                  &slot.health_request, &slot.health_response, std::move(done));
  }
}

}  // namespace photoflow::bench
