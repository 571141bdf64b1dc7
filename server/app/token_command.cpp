#include "app/token_command.hpp"

#include <optional>
#include <string_view>

#include "auth/tokens.hpp"

namespace photoflow::app {
namespace {

constexpr int kExitUsage = 2;

constexpr std::string_view kUsage =
    "Usage: photoflow-server token --name NAME --scopes SCOPE[,SCOPE...]\n"
    "\n"
    "Prints a new bearer token and the line of PHOTOFLOW_AUTH_TOKENS_FILE that lets it in.\n"
    "Give the token to the caller; store only the line (it holds the token's SHA-256).\n"
    "NAME: 1-64 of A-Z a-z 0-9 . _ - (shown in the access log and metrics).\n"
    "Scopes: tasks.read (Get, List), tasks.write (Create, Update, Delete; includes\n"
    "tasks.read), admin (everything).\n";

}  // namespace

int RunTokenCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> name;
  std::optional<std::string> scopes;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out << kUsage;
      return 0;
    }
    std::optional<std::string>* target = arg == "--name"     ? &name
                                         : arg == "--scopes" ? &scopes
                                                             : nullptr;
    if (target == nullptr || i + 1 == args.size()) {
      err << "photoflow-server token: " << (target == nullptr ? "unknown option" : "no value for")
          << " '" << arg << "'\n\n"
          << kUsage;
      return kExitUsage;
    }
    *target = args[++i];
  }
  if (!name || !scopes) {
    err << "photoflow-server token: --name and --scopes are required\n\n" << kUsage;
    return kExitUsage;
  }
  if (name->find_first_of(" \t\r\n") != std::string::npos) {
    err << "photoflow-server token: the name must be 1-64 of A-Z a-z 0-9 . _ -\n";
    return kExitUsage;
  }
  const std::string token = auth::NewToken();
  // The line goes through the file's own parser: what is printed is what the
  // server will accept.
  try {
    const auto parsed =
        auth::ParseTokensFile(auth::TokenHashHex(token) + " " + *name + " " + *scopes);
    out << "# The token (give it to the caller; it is not stored anywhere):\n"
        << token << "\n"
        << "# The line for PHOTOFLOW_AUTH_TOKENS_FILE:\n"
        << auth::TokenLine(token, parsed.at(0).caller.name, parsed.at(0).caller.scopes) << "\n";
  } catch (const std::invalid_argument& error) {
    std::string message = error.what();
    if (message.starts_with("line 1: ")) message = message.substr(8);
    err << "photoflow-server token: " << message << "\n";
    return kExitUsage;
  }
  return 0;
}

}  // namespace photoflow::app
