// A whole file as bytes. Pure and thread-safe.
#pragma once

#include <optional>
#include <string>

namespace sweep {

// Empty when the file cannot be opened.
std::optional<std::string> read_file(const std::string& path);

}  // namespace sweep
