#pragma once

#include <memory>

#include <grpcpp/server_context.h>

#include "auth/token_registry.hpp"
#include "auth/tokens.hpp"

namespace photoflow::api {

// Checks a call's bearer token (`authorization: Bearer <token>` metadata)
// against the tokens file, and the scope its method needs.
class CallAuthorizer {
 public:
  // `tokens` null: authentication is off and every call is the "anonymous"
  // caller with every scope.
  explicit CallAuthorizer(const auth::TokenRegistry* tokens) : tokens_(tokens) {}

  // OK when the call may go on; UNAUTHENTICATED (reason TOKEN_MISSING or
  // TOKEN_UNKNOWN) without a known token, PERMISSION_DENIED (SCOPE_MISSING)
  // when its scopes do not allow `needed`. Sets `caller` whenever the token is
  // known. The token never appears in the error or the log.
  grpc::Status Authorize(const grpc::CallbackServerContext& context, auth::Scope needed,
                         std::shared_ptr<const auth::Caller>* caller) const;

  bool enabled() const { return tokens_ != nullptr; }

 private:
  const auth::TokenRegistry* tokens_;
};

}  // namespace photoflow::api
