// A depth of a target, as summarize() gives it to the verdict: validation
// accuracy by seed, its mean and seed count. For tests of the analysis.
#pragma once

#include <map>
#include <utility>

#include "analysis/depth_row.h"

namespace sweep::testing {

inline DepthRow depth(int unfrozen, std::map<int, double> val_by_seed) {
  DepthRow row;
  row.unfrozen = unfrozen;
  row.blocks = 5;
  row.val_by_seed = std::move(val_by_seed);
  double sum = 0.0;
  for (const auto& [seed, val] : row.val_by_seed) sum += val;
  row.val_mean = row.val_by_seed.empty() ? 0.0 : sum / static_cast<double>(row.val_by_seed.size());
  row.seeds = static_cast<int>(row.val_by_seed.size());
  return row;
}

}  // namespace sweep::testing
