// The REST/JSON mapping (google.api.http) a transcoding proxy serves, read
// from the descriptor set the build gives it (build/proto/photoflow.pb):
// every RPC has one, and its verb, path and body follow AIP-127.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <google/api/annotations.pb.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

namespace photoflow {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorSet;
using google::protobuf::MethodDescriptor;

class HttpAnnotationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream file(PHOTOFLOW_DESCRIPTOR_SET, std::ios::binary);
    ASSERT_TRUE(file) << PHOTOFLOW_DESCRIPTOR_SET;
    std::stringstream bytes;
    bytes << file.rdbuf();
    ASSERT_TRUE(set_.ParseFromString(bytes.str()));
    for (const auto& proto : set_.file())
      ASSERT_NE(pool_.BuildFile(proto), nullptr) << proto.name();
  }

  std::vector<const MethodDescriptor*> Methods() const {
    std::vector<const MethodDescriptor*> methods;
    for (const char* name : {"photoflow.v1.TaskService", "photoflow.v1.CommentService"}) {
      const auto* service = pool_.FindServiceByName(name);
      EXPECT_NE(service, nullptr) << name;
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) methods.push_back(service->method(i));
    }
    return methods;
  }

  // The rule, read from the options as the proxy reads them.
  static google::api::HttpRule Rule(const MethodDescriptor& method) {
    google::protobuf::MethodOptions options;
    options.ParseFromString(method.options().SerializeAsString());
    return options.GetExtension(google::api::http);
  }

  FileDescriptorSet set_;
  DescriptorPool pool_;
};

// "a.b" names a field of `message`, and "a" of its message-typed field.
bool NamesAField(const Descriptor* message, const std::string& dotted) {
  std::stringstream parts(dotted);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (message == nullptr) return false;
    const auto* field = message->FindFieldByName(part);
    if (field == nullptr) return false;
    message = field->message_type();
  }
  return true;
}

TEST_F(HttpAnnotationsTest, TheSetCarriesItsImportsAndComments) {
  std::vector<std::string> names;
  for (const auto& file : set_.file()) names.push_back(file.name());
  for (const char* needed :
       {"google/api/http.proto", "google/api/annotations.proto", "google/protobuf/field_mask.proto",
        "photoflow/v1/task_service.proto", "photoflow/v1/comment_service.proto"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), needed), names.end()) << needed;
  }
  const auto* service = pool_.FindServiceByName("photoflow.v1.TaskService");
  ASSERT_NE(service, nullptr);
  google::protobuf::SourceLocation location;
  ASSERT_TRUE(service->GetSourceLocation(&location)) << "no source info: comments lost";
  EXPECT_NE(location.leading_comments.find("tasks"), std::string::npos);
}

TEST_F(HttpAnnotationsTest, EveryRpcHasARuleFollowingAip127) {
  const auto methods = Methods();
  ASSERT_EQ(methods.size(), 15U);
  const std::regex variable(R"(\{([a-z_.]+)\})");
  for (const MethodDescriptor* method : methods) {
    SCOPED_TRACE(method->full_name());
    const google::api::HttpRule rule = Rule(*method);
    const std::string& name = method->name();
    std::string path;
    // Custom methods (AIP-136, batch methods AIP-231/233/235) on the tasks
    // collection: "/v1/tasks:batchGet" for BatchGetTasks; reads are GET
    // without a body, writes POST with body "*".
    const std::map<std::string, std::string> custom = {{"BatchGetTasks", "batchGet"},
                                                       {"BatchCreateTasks", "batchCreate"},
                                                       {"BatchDeleteTasks", "batchDelete"},
                                                       {"SummarizeBoard", "summarizeBoard"},
                                                       {"WatchTasks", "watch"}};
    if (const auto verb = custom.find(name); verb != custom.end()) {
      const bool reads = name.rfind("BatchGet", 0) == 0 || name.rfind("Batch", 0) != 0;
      path = reads ? rule.get() : rule.post();
      EXPECT_EQ(path, "/v1/tasks:" + verb->second);
      EXPECT_EQ(rule.body(), reads ? "" : "*");
    } else if (name.rfind("Get", 0) == 0) {
      path = rule.get();
      EXPECT_TRUE(rule.body().empty());
      EXPECT_NE(path.find("/{id}"), std::string::npos) << path;
    } else if (name.rfind("List", 0) == 0) {
      path = rule.get();
      EXPECT_TRUE(rule.body().empty());
      EXPECT_TRUE(!path.empty() && path.back() == 's') << "a collection: " << path;
    } else if (name.rfind("Create", 0) == 0) {
      path = rule.post();
      // The body is the resource, not "*": request_id stays a query parameter.
      const std::string resource = name.substr(6) == "Task" ? "task" : "comment";
      EXPECT_EQ(rule.body(), resource);
      EXPECT_TRUE(path.size() > resource.size() &&
                  path.substr(path.size() - resource.size() - 1) == resource + "s")
          << path;
    } else if (name.rfind("Update", 0) == 0) {
      path = rule.patch();
      const std::string resource = name.substr(6) == "Task" ? "task" : "comment";
      EXPECT_EQ(rule.body(), resource);
      EXPECT_NE(path.find("{" + resource + ".id}"), std::string::npos) << path;
    } else if (name.rfind("Delete", 0) == 0) {
      path = rule.delete_();
      EXPECT_TRUE(rule.body().empty());
      EXPECT_NE(path.find("/{id}"), std::string::npos) << path;
    } else {
      ADD_FAILURE() << "a method AIP-127 has no standard verb for";
    }
    EXPECT_EQ(path.rfind("/v1/", 0), 0U) << path;
    EXPECT_TRUE(rule.additional_bindings().empty());
    // Every {variable} names a field of the request.
    for (std::sregex_iterator it(path.begin(), path.end(), variable), end; it != end; ++it) {
      EXPECT_TRUE(NamesAField(method->input_type(), (*it)[1].str()))
          << (*it)[1].str() << " in " << path;
    }
    if (!rule.body().empty() && rule.body() != "*") {
      EXPECT_TRUE(NamesAField(method->input_type(), rule.body()));
    }
  }
}

TEST_F(HttpAnnotationsTest, CommentsOfATaskLiveUnderTheTask) {
  const auto* service = pool_.FindServiceByName("photoflow.v1.CommentService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(Rule(*service->FindMethodByName("ListComments")).get(), "/v1/tasks/{task_id}/comments");
  EXPECT_EQ(Rule(*service->FindMethodByName("CreateComment")).post(),
            "/v1/tasks/{comment.task_id}/comments");
  EXPECT_EQ(Rule(*service->FindMethodByName("GetComment")).get(), "/v1/comments/{id}");
}

}  // namespace
}  // namespace photoflow
