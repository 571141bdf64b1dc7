#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace photoflow::common {

std::vector<unsigned char> Sha256(std::string_view data);

// Lower-case hex of `bytes`; `zero_padded` false writes a byte below 0x10 as a
// single digit (the format of an old Prisma bug, needed to read its checksums).
std::string Hex(const std::vector<unsigned char>& bytes, bool zero_padded = true);

// SHA-256 as 64 lower-case hex digits (Prisma Migrate's checksum format).
inline std::string Sha256Hex(std::string_view data) { return Hex(Sha256(data)); }

}  // namespace photoflow::common
