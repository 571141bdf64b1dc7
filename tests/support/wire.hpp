#pragma once

#include <string>

#include <google/protobuf/descriptor.h>

namespace photoflow::testing {

// One length-delimited field of a `type` message on the wire, byte for byte:
// for requests protobuf's own setters would not build (a string field holding
// invalid UTF-8). Appending it to a message's encoding sets, appends to or
// merges into that field.
inline std::string LengthDelimited(const google::protobuf::Descriptor& type, const char* name,
                                   const std::string& value) {
  const auto number = static_cast<unsigned>(type.FindFieldByName(name)->number());
  std::string wire;
  for (unsigned long varint : {(number << 3) | 2U, static_cast<unsigned>(value.size())}) {
    for (; varint >= 0x80; varint >>= 7) wire += static_cast<char>((varint & 0x7F) | 0x80);
    wire += static_cast<char>(varint);
  }
  return wire + value;
}

}  // namespace photoflow::testing
