#include "core/errors.h"

#include <utility>

namespace sweep {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string joined;
  for (const auto& line : lines) {
    if (!joined.empty()) joined += '\n';
    joined += line;
  }
  return joined;
}

}  // namespace

InputError::InputError(std::string line) : InputError(std::vector<std::string>{std::move(line)}) {}

InputError::InputError(std::vector<std::string> lines)
    : std::runtime_error(join_lines(lines)), lines_(std::move(lines)) {}

}  // namespace sweep
