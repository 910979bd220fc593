// SHA-256 of a byte string, as lowercase hex. Used for content keys: trial
// identities, pretrained-weight caches. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

std::string sha256_hex(std::string_view data);

}  // namespace sweep
