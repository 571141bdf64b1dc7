// TaskService.WatchTasks: checks the request, then hands the call to a
// WatchStream (watch_stream.cpp) fed by the server's WatchHub (watch_hub.cpp).
#include "api/request_parsing.hpp"
#include "api/rpc_status.hpp"
#include "api/task_reads.hpp"
#include "api/task_service.hpp"
#include "api/watch_hub.hpp"
#include "api/watch_stream.hpp"

namespace photoflow::api {
namespace {

// A stream refused before it started: finishes at once.
class RefusedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

watch::WatchRequest CheckWatchRequest(const v1::WatchTasksRequest& request) {
  watch::WatchRequest checked;
  checked.filter = request.filter();
  checked.list_condition = CompileFilter(request.filter(), 1);
  // Log reads bind the position and the page size first.
  checked.change_condition = CompileFilter(request.filter(), 3);
  const ReadMask mask = ParseTaskReadMask(request.read_mask());
  if (IncludesComments(mask)) {
    ThrowInvalidArgument("read_mask",
                         "\"comments\" is not available in WatchTasks: call GetTask for them");
  }
  // Events always carry the task's id, whatever the mask says.
  checked.fields = mask.fields | model::Bit(model::kTaskId);
  checked.columns = mask.columns;
  if (!request.resume_token().empty()) checked.resume = watch::DecodeToken(request.resume_token());
  return checked;
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* TaskService::WatchTasks(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  std::shared_ptr<const auth::Caller> caller;
  const grpc::Status authorized =
      methods_.authorizer.Authorize(*context, auth::kTasksRead, &caller);
  if (!authorized.ok()) return new RefusedStream(authorized);
  v1::WatchTasksRequest request;
  const grpc::Status parsed = ParseRequest(*request_bytes, &request);
  if (!parsed.ok()) return new RefusedStream(parsed);
  watch::WatchRequest checked;
  try {
    checked = CheckWatchRequest(request);
  } catch (const StatusError& error) {
    return new RefusedStream(error.status());
  }
  if (methods_.watch == nullptr) {
    return new RefusedStream(
        MakeStatus(grpc::StatusCode::UNAVAILABLE, "WatchTasks is not available", "UNAVAILABLE"));
  }
  // A stream holds no slot of the caller's limit (PHOTOFLOW_MAX_CALLS_PER_CALLER):
  // it lasts as long as its client wants.
  auto stream = std::make_shared<watch::WatchStream>(*methods_.watch, context, std::move(checked));
  stream->Begin();
  return stream.get();
}

}  // namespace photoflow::api
