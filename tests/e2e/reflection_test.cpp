// A client in another language that knows only the server's address can
// discover the API through server reflection and create a task.
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/test_server.hpp"

namespace photoflow {
namespace {

TEST(ReflectionTest, PythonClientCreatesATaskUsingOnlyReflection) {
  testing::TestSchema schema;
  testing::TestServer server(schema);
  testing::ChildProcess client(
      "/usr/bin/python3",
      {PHOTOFLOW_REFLECTION_CLIENT, "127.0.0.1:" + std::to_string(server.server().port()),
       PHOTOFLOW_REFLECTION_DESCRIPTORS});
  EXPECT_EQ(client.WaitForExit(std::chrono::seconds(60)), 0) << client.Output();
  EXPECT_NE(client.Output().find(R"("title": "Wedding Photography - Smith Family")"),
            std::string::npos)
      << client.Output();
  EXPECT_EQ(schema.QueryValue("SELECT additional_information FROM \"Tasks\""),
            "Created through server reflection");
}

}  // namespace
}  // namespace photoflow
