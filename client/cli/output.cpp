#include "output.hpp"

#include <algorithm>
#include <functional>
#include <optional>
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

}  // namespace

Output::Output(std::ostream& out, std::ostream& err, bool json, std::size_t width, bool progress)
    : out_(out), err_(err), json_(json), width_(width), progress_(progress) {}

void Output::TaskTable(const std::vector<v1::Task>& tasks, const std::vector<std::string>& fields) {
  const std::vector<std::string>& shown = fields.empty() ? DefaultTaskFields() : fields;
  std::vector<const TaskColumn*> columns;
  std::vector<std::string> headers;
  std::optional<std::size_t> flexible;
  for (const std::string& field : shown) {
    const TaskColumn* column = FindTaskColumn(field);
    if (column == nullptr) continue;
    if (field == "title" || (!flexible && field == "additional_information")) {
      flexible = columns.size();
    }
    columns.push_back(column);
    headers.emplace_back(column->header);
  }
  if (!flexible && !columns.empty()) flexible = columns.size() - 1;
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

void Output::TaskDetail(const v1::Task& task, bool every_field) {
  if (json_) {
    Json(task, every_field);
    return;
  }
  const google::protobuf::Reflection* reflection = task.GetReflection();
  const google::protobuf::Descriptor* descriptor = task.GetDescriptor();
  std::vector<std::vector<std::string>> rows;
  for (const TaskColumn& column : TaskColumns()) {
    if (std::string(column.field) == "comments") continue;
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(column.field);
    if (!every_field && field != nullptr && !reflection->HasField(task, field)) continue;
    rows.push_back({column.field, column.cell(task)});
  }
  // No header row: render with an empty one and drop its line.
  std::string table = RenderTable({"", ""}, rows, width_, 1);
  out_ << table.substr(table.find('\n') + 1);
  if (task.comments_size() > 0) {
    out_ << "\n";
    CommentTable({task.comments().begin(), task.comments().end()});
  }
}

void Output::CommentTable(const std::vector<v1::Comment>& comments) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(comments.size());
  for (const v1::Comment& comment : comments) {
    rows.push_back({std::to_string(comment.id()), std::to_string(comment.task_id()),
                    FormatTimestamp(comment.created_at()), comment.text()});
  }
  out_ << RenderTable({"ID", "TASK", "CREATED", "TEXT"}, rows, width_, 3);
}

void Output::CommentDetail(const v1::Comment& comment) {
  if (json_) {
    Json(comment);
    return;
  }
  CommentTable({comment});
}

void Output::Json(const google::protobuf::Message& message, bool every_field) {
  out_ << ToJson(message, every_field) << "\n";
}

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

std::string ToJson(const google::protobuf::Message& message, bool every_field) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = every_field;
  // The message came from the server's reply and is well formed.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
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
