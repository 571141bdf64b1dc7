#include "cli.hpp"

#include <algorithm>
#include <iterator>
#include <sstream>

#include "commands.hpp"
#include "status_report.hpp"

namespace photoflow::cli {
namespace {

const Command* FindCommand(const std::string& group, const std::string& name) {
  const auto& commands = AllCommands();
  const auto found = std::find_if(commands.begin(), commands.end(), [&](const Command& command) {
    return command.group == group && command.name == name;
  });
  return found == commands.end() ? nullptr : &*found;
}

bool IsGroup(const std::string& word) {
  const auto& commands = AllCommands();
  return std::any_of(commands.begin(), commands.end(),
                     [&](const Command& command) { return command.group == word; });
}

std::string Invocation(const Command& command) {
  std::string text = "photoflow ";
  if (!command.group.empty()) text += command.group + " ";
  text += command.name;
  if (!command.arguments.empty()) text += " " + command.arguments;
  return text;
}

void AppendFlags(std::ostringstream& text, const std::vector<FlagSpec>& flags) {
  for (const FlagSpec& flag : flags) {
    text << "  " << flag.name << (flag.value_name.empty() ? "" : " " + flag.value_name) << "\n"
         << "      " << flag.help << "\n";
  }
}

constexpr const char* kExitCodes =
    "Exit codes: 0 success; 1 a failure on this side; 2 a wrong command line;\n"
    "10 + the gRPC status code when the call failed (13 INVALID_ARGUMENT,\n"
    "15 NOT_FOUND, 20 ABORTED, 24 UNAVAILABLE, ...).\n";

}  // namespace

std::string HelpText(const std::string& group, const std::string& name) {
  std::ostringstream text;
  if (const Command* command = FindCommand(group, name)) {
    text << "Usage: " << Invocation(*command) << " [flags]\n\n" << command->summary << "\n";
    if (!command->flags.empty()) {
      text << "\nFlags:\n";
      AppendFlags(text, command->flags);
    }
    text << "\nGlobal flags:\n";
    AppendFlags(text, GlobalFlags());
    return text.str();
  }
  text << "Usage: photoflow [global flags] " << (group.empty() ? "COMMAND" : group + " COMMAND")
       << " [arguments] [flags]\n\n"
       << "The PhotoFlow command-line client: every TaskService and CommentService call,\n"
          "and the kanban board.\n\nCommands:\n";
  for (const Command& command : AllCommands()) {
    if (!group.empty() && command.group != group) continue;
    text << "  " << Invocation(command) << "\n      " << command.summary << "\n";
  }
  text << "\nGlobal flags (before or after the command):\n";
  AppendFlags(text, GlobalFlags());
  text << "\n'photoflow COMMAND --help' shows a command's own flags. '--' ends the flags:\n"
          "photoflow comments add 7 -- '--- see the contract'\n"
       << kExitCodes;
  return text.str();
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Environment& environment) {
  // Global flags may come first; the first other word picks the command.
  std::vector<std::string> rest;
  std::size_t index = 0;
  std::vector<std::string> leading;
  for (; index < args.size() && args[index].rfind("--", 0) == 0; ++index) {
    leading.push_back(args[index]);
    const auto& flags = GlobalFlags();
    const bool takes_value = std::any_of(flags.begin(), flags.end(), [&](const FlagSpec& flag) {
      return flag.name == args[index] && !flag.value_name.empty();
    });
    if (takes_value && index + 1 < args.size()) leading.push_back(args[++index]);
  }
  std::string group;
  std::string name;
  if (index < args.size()) {
    if (IsGroup(args[index])) {
      group = args[index++];
      if (index < args.size() && args[index].rfind("--", 0) != 0) name = args[index++];
    } else {
      name = args[index++];
    }
  }
  rest.assign(leading.begin(), leading.end());
  rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(index), args.end());

  const Command* command = FindCommand(group, name);
  try {
    if (command == nullptr) {
      const ParsedArgs global = ParseArgs(rest, GlobalFlags());
      if (group.empty() && name == "help") {
        out << HelpText("", "");
        return 0;
      }
      if (name.empty()) {
        // "photoflow --help" and "photoflow tasks --help" ask for help; a
        // bare "photoflow" or "photoflow tasks" gets it as an error.
        (global.Has("--help") ? out : err) << HelpText(group, "");
        return global.Has("--help") ? 0 : kExitUsage;
      }
      throw UsageError("unknown command " + Quoted(group.empty() ? name : group + " " + name));
    }
    std::vector<FlagSpec> flags = command->flags;
    flags.insert(flags.end(), GlobalFlags().begin(), GlobalFlags().end());
    const ParsedArgs parsed = ParseArgs(rest, flags);
    // As many positional arguments as the command names ("ID TEXT": two),
    // so that an unquoted "comments add 7 Looks good" is an error, not "Looks".
    std::istringstream named(command->arguments);
    const auto allowed = static_cast<std::size_t>(std::distance(
        std::istream_iterator<std::string>(named), std::istream_iterator<std::string>()));
    if (parsed.positional.size() > allowed) {
      throw UsageError("unexpected argument " + Quoted(parsed.positional[allowed]) +
                       (allowed > 0 ? " (quote text that has spaces)" : ""));
    }
    const GlobalOptions options =
        ReadGlobalOptions(parsed, environment.address_from_env, environment.token_from_env);
    if (options.help) {
      out << HelpText(group, name);
      return 0;
    }
    Connection connection(options);
    Output output(out, err, options.json, environment.width, environment.progress);
    CommandContext context{connection, output};
    const grpc::Status status = command->run(parsed, context);
    if (!status.ok()) err << "photoflow: " << DescribeStatus(status);
    return ExitCodeFor(status);
  } catch (const UsageError& error) {
    const std::string about =
        command == nullptr ? group : (group.empty() ? name : group + " " + name);
    err << "photoflow: " << error.what() << "\n"
        << "Try 'photoflow " << (about.empty() ? "" : about + " ") << "--help'.\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    err << "photoflow: " << error.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace photoflow::cli
