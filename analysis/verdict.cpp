#include "analysis/verdict.h"

#include <algorithm>
#include <cmath>

#include "analysis/stats.h"

namespace sweep {
namespace {

double spread_of(const GapToBest& gap) { return std::max(gap.sd, kMinAccuracySpread); }

GapToBest gap_to_best(const DepthRow& best, const DepthRow& row, bool is_best, double tolerance) {
  std::vector<double> gaps;
  for (const auto& [seed, best_val] : best.val_by_seed) {
    const auto it = row.val_by_seed.find(seed);
    if (it != row.val_by_seed.end()) gaps.push_back(best_val - it->second);
  }
  GapToBest gap;
  gap.pairs = static_cast<int>(gaps.size());
  gap.mean = mean(gaps);
  gap.sd = sample_std(gaps);
  gap.lower = gap.upper = gap.mean;
  if (is_best) {
    gap.judgement = Judgement::kWithin;
    return gap;
  }
  if (gap.pairs < 2) return gap;  // no spread measured: unclear
  const double half =
      student_t_quantile(0.95, gap.pairs - 1) * spread_of(gap) / std::sqrt(gap.pairs);
  gap.lower = gap.mean - half;
  gap.upper = gap.mean + half;
  if (gap.upper < tolerance) gap.judgement = Judgement::kWithin;
  if (gap.lower > tolerance) gap.judgement = Judgement::kWorse;
  return gap;
}

// The shallowest depth with the best validation mean.
size_t best_depth(const std::vector<DepthRow>& depths) {
  size_t best = 0;
  for (size_t i = 1; i < depths.size(); ++i) {
    if (depths[i].val_mean > depths[best].val_mean) best = i;
  }
  return best;
}

}  // namespace

std::optional<int> seeds_to_decide(const GapToBest& gap, double tolerance, int limit) {
  const double margin = std::fabs(tolerance - gap.mean);
  if (gap.pairs < 2 || margin == 0.0) return std::nullopt;
  for (int n = gap.pairs; n <= limit; ++n) {
    if (student_t_quantile(0.95, n - 1) * spread_of(gap) / std::sqrt(n) < margin) return n;
  }
  return std::nullopt;
}

Verdict decide(const std::vector<DepthRow>& depths, double tolerance) {
  Verdict verdict;
  if (depths.empty()) return verdict;
  const size_t best = best_depth(depths);
  verdict.best = best;
  for (size_t i = 0; i < depths.size(); ++i) {
    verdict.gaps.push_back(gap_to_best(depths[best], depths[i], i == best, tolerance));
  }
  size_t recommended = 0;
  while (verdict.gaps[recommended].judgement != Judgement::kWithin) ++recommended;
  verdict.recommended = recommended;
  for (size_t i = 0; i < recommended; ++i) {
    if (verdict.gaps[i].judgement == Judgement::kUnclear) verdict.hinges.push_back(i);
  }
  if (verdict.hinges.empty()) {
    verdict.kind =
        depths[recommended].unfrozen == 0 ? VerdictKind::kHeadOnly : VerdictKind::kOpenBlocks;
    return verdict;
  }
  verdict.kind = VerdictKind::kUndecided;
  verdict.unsure = verdict.hinges.front();
  // Settling it takes every unclear gap told apart from the tolerance.
  int more = 0;
  for (size_t i : verdict.hinges) {
    const auto needed = seeds_to_decide(verdict.gaps[i], tolerance);
    if (!needed) {
      more = -1;
      break;
    }
    more = std::max(more, *needed - verdict.gaps[i].pairs);
  }
  if (more >= 0) verdict.more_seeds = more;
  verdict.hinges.push_back(best);
  return verdict;
}

}  // namespace sweep
