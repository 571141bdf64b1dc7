#include "api/call_authorizer.hpp"

#include <string>
#include <string_view>

#include "api/rpc_status.hpp"

namespace photoflow::api {
namespace {

const std::shared_ptr<const auth::Caller>& Anonymous() {
  static const auto* const anonymous =
      new std::shared_ptr<const auth::Caller>(std::make_shared<const auth::Caller>(
          auth::Caller{"anonymous", auth::kTasksRead | auth::kTasksWrite | auth::kAdmin}));
  return *anonymous;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

grpc::Status Unauthenticated(const char* message, std::string_view reason) {
  return MakeStatus(grpc::StatusCode::UNAUTHENTICATED, message, reason);
}

}  // namespace

grpc::Status CallAuthorizer::Authorize(const grpc::CallbackServerContext& context,
                                       auth::Scope needed,
                                       std::shared_ptr<const auth::Caller>* caller) const {
  if (tokens_ == nullptr) {
    *caller = Anonymous();
    return grpc::Status::OK;
  }
  const auto& metadata = context.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return Unauthenticated("a bearer token is required (authorization: Bearer <token>)",
                           "TOKEN_MISSING");
  }
  const std::string_view value(header->second.data(), header->second.size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoringCase(value.substr(0, kScheme.size()), kScheme)) {
    return Unauthenticated("the authorization metadata must be 'Bearer <token>'", "TOKEN_MISSING");
  }
  *caller = tokens_->Authenticate(value.substr(kScheme.size()));
  if (!*caller) return Unauthenticated("the bearer token is not known", "TOKEN_UNKNOWN");
  if (!auth::Allows((*caller)->scopes, needed)) {
    return MakeStatus(
        grpc::StatusCode::PERMISSION_DENIED,
        "caller '" + (*caller)->name + "' lacks the scope " + std::string(auth::ScopeName(needed)),
        "SCOPE_MISSING");
  }
  return grpc::Status::OK;
}

}  // namespace photoflow::api
