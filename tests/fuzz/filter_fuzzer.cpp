// Any text as a ListTasks filter and order_by: the compilers may reject it, but
// must never crash or hang, and input text must never reach the SQL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "query/filter.hpp"
#include "query/order_by.hpp"

namespace {

// The SQL with the compiler's own quoted fragments removed: what is left must
// hold no quote or semicolon, i.e. nothing that could come from the input.
bool OnlyCompilerText(std::string sql) {
  for (const std::string_view fixed : {"'epoch'", "'1 millisecond'", "ESCAPE '\\'"}) {
    for (size_t at; (at = sql.find(fixed)) != std::string::npos;) sql.erase(at, fixed.size());
  }
  return sql.find_first_of("';") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const photoflow::query::SqlCondition condition = photoflow::query::CompileTaskFilter(text, 1);
    size_t placeholders = 0;
    for (size_t at = 0; (at = condition.sql.find('$', at)) != std::string::npos; ++at) {
      ++placeholders;
    }
    if (!OnlyCompilerText(condition.sql) || placeholders != condition.parameters.size()) {
      __builtin_trap();
    }
  } catch (const photoflow::query::FilterError&) {
  }
  try {
    photoflow::query::ParseTaskOrderBy(text);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
