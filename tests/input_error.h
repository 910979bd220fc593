// The first line of the InputError a call throws, for tests that assert the
// exact text; "(no error)" when it throws none.
#pragma once

#include <functional>
#include <string>

#include "core/errors.h"

namespace sweep::testing {

inline std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "(no error)";
}

}  // namespace sweep::testing
