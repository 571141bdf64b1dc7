#include "api/mapping.hpp"

#include "model/field_sql.hpp"

namespace photoflow::api {

const ProtoBinding<store::TaskRow>& TaskBinding() {
  static const ProtoBinding<store::TaskRow> binding(*v1::Task::descriptor());
  return binding;
}

const ProtoBinding<store::CommentRow>& CommentBinding() {
  static const ProtoBinding<store::CommentRow> binding(*v1::Comment::descriptor());
  return binding;
}

void ToProto(const store::TaskRow& row, model::FieldSet fields, v1::Task* task) {
  TaskBinding().Write(row, fields, task);
}

void ToProto(const store::CommentRow& row, v1::Comment* comment) {
  CommentBinding().Write(row, model::AllFields(model::kCommentFields), comment);
}

std::vector<std::string> SortKeyValues(const store::TaskRow& row,
                                       const std::vector<query::SortKey>& keys) {
  std::vector<std::string> values;
  values.reserve(keys.size());
  for (const query::SortKey& key : keys) {
    values.push_back(model::ParameterText(key.field->type, row[key.index()]));
  }
  return values;
}

store::TaskRow ToTaskValues(const v1::Task& task, model::FieldSet fields) {
  store::TaskRow values = TaskBinding().Read(task, fields);
  for (size_t i = 0; i < model::kTaskFields.size(); ++i) {
    const model::FieldSpec& spec = model::kTaskFields[i];
    if ((fields & model::Bit(i)) != 0 && values[i].text.empty() && !spec.empty_means.empty()) {
      values[i].text = spec.empty_means;
    }
  }
  return values;
}

}  // namespace photoflow::api
