#include "api/watch_events.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "api/mapping.hpp"

namespace photoflow::api::watch {

std::optional<v1::TaskEvent::Type> EventType(const store::changes::Change& change,
                                             bool before_matches, bool after_matches) {
  using store::changes::Operation;
  switch (change.operation) {
    case Operation::kInsert:
      if (after_matches) return v1::TaskEvent::CREATED;
      return std::nullopt;
    case Operation::kUpdate:
      if (after_matches) return v1::TaskEvent::UPDATED;
      if (before_matches) return v1::TaskEvent::REMOVED;
      return std::nullopt;
    case Operation::kDelete:
      if (before_matches) return v1::TaskEvent::DELETED;
      return std::nullopt;
  }
  return std::nullopt;
}

Event MakeEvent(v1::TaskEvent::Type type, const store::TaskRow* task, model::FieldSet fields,
                const std::string& resume_token, int64_t seq, int64_t committed_at_micros) {
  v1::TaskEvent event;
  event.set_type(type);
  if (task != nullptr) {
    const bool gone = type == v1::TaskEvent::DELETED || type == v1::TaskEvent::REMOVED;
    ToProto(*task, gone ? model::Bit(model::kTaskId) | model::Bit(model::kTaskEtag) : fields,
            event.mutable_task());
  }
  event.set_resume_token(resume_token);
  if (committed_at_micros != 0) {
    event.mutable_commit_time()->set_seconds(committed_at_micros / 1'000'000);
    event.mutable_commit_time()->set_nanos(static_cast<int32_t>(committed_at_micros % 1'000'000) *
                                           1000);
  }
  auto bytes = std::make_shared<std::string>();
  {
    google::protobuf::io::StringOutputStream stream(bytes.get());
    google::protobuf::io::CodedOutputStream output(&stream);
    constexpr uint32_t kLengthDelimited = 2;  // the wire type of a message field
    output.WriteTag((v1::WatchTasksResponse::kEventsFieldNumber << 3) | kLengthDelimited);
    output.WriteVarint32(static_cast<uint32_t>(event.ByteSizeLong()));
    event.SerializeWithCachedSizes(&output);
  }
  return {.first_seq = seq,
          .seq = seq,
          .count = 1,
          .committed_at_micros = committed_at_micros,
          .commits = nullptr,
          .bytes = std::move(bytes)};
}

ViewBatch Combine(std::vector<Event> events) {
  ViewBatch batch;
  batch.combined.count = 0;
  if (events.empty()) return batch;
  auto bytes = std::make_shared<std::string>();
  auto commits = std::make_shared<std::vector<int64_t>>();
  for (const Event& event : events) {
    *bytes += *event.bytes;
    if (event.committed_at_micros != 0) commits->push_back(event.committed_at_micros);
  }
  batch.combined = {.first_seq = events.front().seq,
                    .seq = events.back().seq,
                    .count = static_cast<int>(events.size()),
                    .committed_at_micros = 0,
                    .commits = std::move(commits),
                    .bytes = std::move(bytes)};
  batch.events = std::move(events);
  return batch;
}

}  // namespace photoflow::api::watch
