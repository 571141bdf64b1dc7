#include "api/call_authorizer.hpp"

#include <string>
#include <string_view>

#include "api/rpc_status.hpp"
#include "api/status_error.hpp"

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

[[noreturn]] void ThrowUnauthenticated(const char* message, std::string_view reason) {
  throw StatusError(MakeStatus(grpc::StatusCode::UNAUTHENTICATED, message, reason));
}

}  // namespace

std::shared_ptr<const auth::Caller> CallAuthorizer::Authorize(
    const grpc::CallbackServerContext& context, auth::Scope needed) const {
  if (tokens_ == nullptr) return Anonymous();
  const auto& metadata = context.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    ThrowUnauthenticated("a bearer token is required (authorization: Bearer <token>)",
                         "TOKEN_MISSING");
  }
  const std::string_view value(header->second.data(), header->second.size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoringCase(value.substr(0, kScheme.size()), kScheme)) {
    ThrowUnauthenticated("the authorization metadata must be 'Bearer <token>'", "TOKEN_MISSING");
  }
  std::shared_ptr<const auth::Caller> caller = tokens_->Authenticate(value.substr(kScheme.size()));
  if (!caller) ThrowUnauthenticated("the bearer token is not known", "TOKEN_UNKNOWN");
  if (!auth::Allows(caller->scopes, needed)) {
    throw StatusError(MakeStatus(
        grpc::StatusCode::PERMISSION_DENIED,
        "caller '" + caller->name + "' lacks the scope " + std::string(auth::ScopeName(needed)),
        "SCOPE_MISSING"));
  }
  return caller;
}

}  // namespace photoflow::api
