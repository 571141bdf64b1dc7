#include "api/idempotency.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "common/sha256.hpp"

namespace photoflow::api {

void CheckRequestId(std::string_view request_id) {
  if (request_id.empty()) return;
  static constexpr std::string_view kPattern = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  bool valid = request_id.size() == kPattern.size();
  for (size_t i = 0; valid && i < request_id.size(); ++i) {
    const char c = request_id[i];
    valid = kPattern[i] == '-'
                ? c == '-'
                : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  if (!valid)
    ThrowInvalidArgument("request_id", "must be a UUID, e.g. 9a3c0c4e-7f1a-4a51-9a36-5f3f0d1f6a11");
}

std::string RequestFingerprint(const google::protobuf::Message& payload) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream output(&stream);
    output.SetSerializationDeterministic(true);
    payload.SerializeToCodedStream(&output);
  }
  return common::Sha256Hex(bytes);
}

}  // namespace photoflow::api
