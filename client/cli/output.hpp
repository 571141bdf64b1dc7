#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "photoflow/v1/comment.pb.h"
#include "photoflow/v1/task.pb.h"

namespace photoflow::cli {

// Where a command's results go: a readable table fitted to `width` (0: no
// limit) or, with --json, one object per line in the proto JSON mapping.
// Notes and the progress line go to `err`, so stdout stays parseable.
class Output {
 public:
  Output(std::ostream& out, std::ostream& err, bool json, std::size_t width, bool progress);

  bool json() const { return json_; }
  std::size_t width() const { return width_; }
  std::ostream& out() { return out_; }

  // Tasks as rows; `fields` (proto names) pick the columns, in order; empty
  // means the default columns.
  void TaskTable(const std::vector<v1::Task>& tasks, const std::vector<std::string>& fields);
  // One task, field by field (`fields`, proto names; empty: all but
  // comments), and its comments when it has them.
  void TaskDetail(const v1::Task& task, const std::vector<std::string>& fields = {});
  // One task as a JSON line: `fields` only (empty: every field).
  void TaskJson(const v1::Task& task, const std::vector<std::string>& fields);
  void CommentTable(const std::vector<v1::Comment>& comments);
  void CommentDetail(const v1::Comment& comment);
  // One JSON line, every field included (false, 0 and "" too).
  void Json(const google::protobuf::Message& message);
  // One line of text as it is, sent at once (a stream's events).
  void Line(const std::string& line);
  void Flush();
  // What happened, for calls that return nothing ("deleted task 42"); with
  // --json, an empty object.
  void Done(const std::string& what);
  // A remark on stderr ("more: --page-token ...").
  void Note(const std::string& note);
  // A progress line, redrawn in place; only when stderr is a terminal.
  void Progress(const std::string& line);
  void EndProgress();

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
  std::size_t width_;
  bool progress_;
  bool progress_shown_ = false;
};

// A message in the proto JSON mapping, on one line, every field included;
// with `fields` (proto names), those only, in the message's field order.
std::string ToJson(const google::protobuf::Message& message,
                   const std::vector<std::string>& fields = {});

// `text` as a JSON string literal.
std::string JsonString(const std::string& text);

// The task fields a table can show, in proto names, for --fields' help.
std::string TaskFieldNames();

// Throws UsageError for a name that is not a Task field.
void CheckTaskFields(const std::vector<std::string>& fields);

// Splits "a, b,c" into {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& list);

}  // namespace photoflow::cli
