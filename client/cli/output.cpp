#include "output.hpp"

#include <algorithm>
#include <functional>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "args.hpp"
#include "table.hpp"
#include "timestamps.hpp"

namespace photoflow::cli {
namespace {

// One row per Task field a table can show: its proto name, its header and
// how its cell reads. The proto names are what --fields and read_mask take.
struct TaskColumn {
  const char* field;
  const char* header;
  std::function<std::string(const v1::Task&)> cell;
};

const std::vector<TaskColumn>& TaskColumns() {
  static const std::vector<TaskColumn> columns = {
      {"id", "ID", [](const v1::Task& t) { return std::to_string(t.id()); }},
      {"due_at", "DUE", [](const v1::Task& t) { return FormatTimestamp(t.due_at()); }},
      {"task_column", "COLUMN", [](const v1::Task& t) { return t.task_column(); }},
      {"status", "STATUS", [](const v1::Task& t) { return t.status(); }},
      {"is_finished", "DONE",
       [](const v1::Task& t) { return std::string(t.is_finished() ? "yes" : "no"); }},
      {"amount_of_comments", "COMMENTS",
       [](const v1::Task& t) { return std::to_string(t.amount_of_comments()); }},
      {"title", "TITLE", [](const v1::Task& t) { return t.title(); }},
      {"additional_information", "NOTES",
       [](const v1::Task& t) { return t.additional_information(); }},
      {"created_at", "CREATED", [](const v1::Task& t) { return FormatTimestamp(t.created_at()); }},
      {"etag", "ETAG", [](const v1::Task& t) { return t.etag(); }},
      {"comments", "COMMENTS READ",
       [](const v1::Task& t) { return std::to_string(t.comments_size()); }},
  };
  return columns;
}

const std::vector<std::string>& DefaultTaskFields() {
  static const std::vector<std::string> fields = {
      "id", "due_at", "task_column", "status", "is_finished", "amount_of_comments", "title"};
  return fields;
}

const TaskColumn* FindTaskColumn(const std::string& field) {
  const auto& columns = TaskColumns();
  const auto found = std::find_if(columns.begin(), columns.end(),
                                  [&](const TaskColumn& column) { return column.field == field; });
  return found == columns.end() ? nullptr : &*found;
}

// The members ("name":value) of a compact JSON object, split at the commas
// outside strings, arrays and nested objects.
std::vector<std::string> TopLevelMembers(std::string_view object) {
  std::vector<std::string> members;
  if (object.size() < 2) return members;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  std::size_t start = 1;
  for (std::size_t i = 1; i + 1 < object.size(); ++i) {
    const char c = object[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      members.emplace_back(object.substr(start, i - start));
      start = i + 1;
    }
  }
  if (object.size() - 1 > start)
    members.emplace_back(object.substr(start, object.size() - 1 - start));
  return members;
}

}  // namespace

Output::Output(std::ostream& out, std::ostream& err, bool json, std::size_t width, bool progress)
    : out_(out), err_(err), json_(json), width_(width), progress_(progress) {}

void Output::TaskTable(const std::vector<v1::Task>& tasks, const std::vector<std::string>& fields) {
  const std::vector<std::string>& shown = fields.empty() ? DefaultTaskFields() : fields;
  std::vector<const TaskColumn*> columns;
  std::vector<std::string> headers;
  // Free text shrinks to fit; ids, dates and counts never do.
  std::vector<std::size_t> flexible;
  for (const std::string& field : shown) {
    const TaskColumn* column = FindTaskColumn(field);
    if (column == nullptr) continue;
    if (field == "title" || field == "additional_information" || field == "status" ||
        field == "task_column" || field == "etag") {
      flexible.push_back(columns.size());
    }
    columns.push_back(column);
    headers.emplace_back(column->header);
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(tasks.size());
  for (const v1::Task& task : tasks) {
    std::vector<std::string> row;
    row.reserve(columns.size());
    for (const TaskColumn* column : columns) row.push_back(column->cell(task));
    rows.push_back(std::move(row));
  }
  out_ << RenderTable(headers, rows, width_, flexible);
}

void Output::TaskDetail(const v1::Task& task, const std::vector<std::string>& fields) {
  if (json_) {
    TaskJson(task, fields);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const TaskColumn& column : TaskColumns()) {
    // The comments come as a table of their own, below.
    const bool wanted =
        std::string(column.field) != "comments" &&
        (fields.empty() || std::find(fields.begin(), fields.end(), column.field) != fields.end());
    if (wanted) rows.push_back({column.field, column.cell(task)});
  }
  // No header row: render with an empty one and drop its line.
  std::string table = RenderTable({"", ""}, rows, width_, {1});
  out_ << table.substr(table.find('\n') + 1);
  if (task.comments_size() > 0) {
    out_ << "\n";
    CommentTable({task.comments().begin(), task.comments().end()});
  }
}

void Output::TaskJson(const v1::Task& task, const std::vector<std::string>& fields) {
  out_ << ToJson(task, fields) << "\n";
}

void Output::CommentTable(const std::vector<v1::Comment>& comments) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(comments.size());
  for (const v1::Comment& comment : comments) {
    rows.push_back({std::to_string(comment.id()), std::to_string(comment.task_id()),
                    FormatTimestamp(comment.created_at()), comment.text()});
  }
  out_ << RenderTable({"ID", "TASK", "CREATED", "TEXT"}, rows, width_, {3});
}

void Output::CommentDetail(const v1::Comment& comment) {
  if (json_) {
    Json(comment);
    return;
  }
  CommentTable({comment});
}

void Output::Json(const google::protobuf::Message& message) { out_ << ToJson(message) << "\n"; }

void Output::Line(const std::string& line) { out_ << line << "\n" << std::flush; }

void Output::Flush() { out_.flush(); }

void Output::Done(const std::string& what) {
  if (json_) {
    out_ << "{}\n";
  } else {
    out_ << what << "\n";
  }
}

void Output::Note(const std::string& note) {
  EndProgress();
  err_ << note << "\n";
}

void Output::Progress(const std::string& line) {
  if (!progress_) return;
  err_ << "\r" << line << "\x1b[K" << std::flush;
  progress_shown_ = true;
}

void Output::EndProgress() {
  if (!progress_shown_) return;
  err_ << "\r\x1b[K" << std::flush;
  progress_shown_ = false;
}

std::string ToJson(const google::protobuf::Message& message,
                   const std::vector<std::string>& fields) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  // The message came from the server's reply and is well formed.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  if (fields.empty()) return json;
  // Only the fields asked for, defaults included: the members of the printed
  // object (compact, one "name":value per top-level field, in field order)
  // whose names are those fields' JSON names.
  std::vector<std::string> wanted;
  for (const std::string& name : fields) {
    if (const auto* field = message.GetDescriptor()->FindFieldByName(name)) {
      wanted.push_back(JsonString(field->json_name()) + ":");
    }
  }
  std::string picked = "{";
  for (const std::string& member : TopLevelMembers(json)) {
    for (const std::string& prefix : wanted) {
      if (member.compare(0, prefix.size(), prefix) == 0) {
        picked += (picked.size() > 1 ? "," : "") + member;
        break;
      }
    }
  }
  return picked + "}";
}

std::string JsonString(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    const auto code = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (code < 0x20U) {
      static constexpr char kHex[] = "0123456789abcdef";
      quoted += "\\u00";
      quoted += kHex[code >> 4U];
      quoted += kHex[code & 0xFU];
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string TaskFieldNames() {
  std::string names;
  for (const TaskColumn& column : TaskColumns()) {
    if (!names.empty()) names += ", ";
    names += column.field;
  }
  return names;
}

void CheckTaskFields(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (FindTaskColumn(field) == nullptr) {
      throw UsageError("--fields: unknown field " + Quoted(field) +
                       " (fields: " + TaskFieldNames() + ")");
    }
  }
}

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream stream(list);
  for (std::string item; std::getline(stream, item, ',');) {
    const std::size_t first = item.find_first_not_of(' ');
    const std::size_t last = item.find_last_not_of(' ');
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
  }
  return items;
}

}  // namespace photoflow::cli
