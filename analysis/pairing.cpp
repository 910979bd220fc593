#include "analysis/pairing.h"

#include <algorithm>

#include "analysis/format.h"
#include "analysis/stats.h"

namespace sweep {

SeedPairing seed_pairing(const std::vector<DepthRow>& depths) {
  SeedPairing pairing;
  double sum = 0.0;
  for (size_t i = 0; i < depths.size(); ++i) {
    for (size_t j = i + 1; j < depths.size(); ++j) {
      std::vector<double> a, b;
      for (const auto& [seed, val] : depths[i].val_by_seed) {
        const auto it = depths[j].val_by_seed.find(seed);
        if (it == depths[j].val_by_seed.end()) continue;
        a.push_back(val);
        b.push_back(it->second);
      }
      if (static_cast<int>(a.size()) < kMinSharedSeeds) continue;
      const double r = pearson(a, b);
      pairing.min_r = pairing.depth_pairs == 0 ? r : std::min(pairing.min_r, r);
      pairing.max_r = pairing.depth_pairs == 0 ? r : std::max(pairing.max_r, r);
      sum += r;
      ++pairing.depth_pairs;
    }
  }
  if (pairing.depth_pairs > 0) pairing.mean_r = sum / pairing.depth_pairs;
  return pairing;
}

std::string seed_pairing_sentence(const SeedPairing& pairing) {
  if (pairing.depth_pairs == 0) return "";
  const int n = pairing.depth_pairs;
  return "seeds pair across depths: validation accuracy at the same seed correlates r = " +
         printf_string("%.2f", pairing.mean_r) + " between depths on average (" +
         printf_string("%.2f", pairing.min_r) + " to " + printf_string("%.2f", pairing.max_r) +
         " over " + std::to_string(n) + (n == 1 ? " pair of depths" : " pairs of depths") +
         "); with equal spreads a paired gap's variance is 1 - r of an unpaired one's";
}

}  // namespace sweep
