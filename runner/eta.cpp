#include "runner/eta.h"

#include <algorithm>

namespace sweep {

std::optional<double> estimate_eta(double elapsed, double completed, double remaining) {
  if (completed <= 0.05) return std::nullopt;
  return elapsed / completed * std::max(0.0, remaining);
}

}  // namespace sweep
