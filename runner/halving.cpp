#include "runner/halving.h"

#include <algorithm>
#include <cmath>

namespace sweep {

bool keep_at_rung(double value, const std::vector<double>& siblings, double keep) {
  const auto reached = static_cast<double>(siblings.size() + 1);
  const auto places = std::max<long>(1, std::lround(std::ceil(keep * reached - 1e-9)));
  const auto better = std::count_if(siblings.begin(), siblings.end(),
                                    [value](double other) { return other > value; });
  return better < places;
}

}  // namespace sweep
