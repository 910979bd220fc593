#include "analysis/verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "analysis/stats.h"

namespace sweep {
namespace {

constexpr int kSeedLimit = 100;  // the most seeds an estimate goes to

double spread_of(const GapToBest& gap) { return std::max(gap.sd, kMinAccuracySpread); }

GapToBest gap_between(const std::vector<DepthRow>& depths, size_t other, size_t i, double tolerance,
                      const SeedLooks& looks) {
  std::vector<double> gaps;
  for (const auto& [seed, other_val] : depths[other].val_by_seed) {
    const auto it = depths[i].val_by_seed.find(seed);
    if (it != depths[i].val_by_seed.end()) gaps.push_back(other_val - it->second);
  }
  GapToBest gap;
  gap.against = other;
  gap.pairs = static_cast<int>(gaps.size());
  gap.mean = mean(gaps);
  gap.sd = sample_std(gaps);
  gap.lower = gap.upper = gap.mean;
  if (other == i) {  // a lone depth: nothing to compare with
    gap.judgement = Judgement::kWithin;
    return gap;
  }
  const double critical = critical_t(looks, gap.pairs);
  if (!std::isfinite(critical)) return gap;  // no spread measured, or not a look: unclear
  // A gap between two accuracies lies within one either way: wider bounds (a
  // wide spread over few seeds, or an early look's strict boundary) say no more.
  const double half = critical * spread_of(gap) / std::sqrt(gap.pairs);
  gap.lower = std::max(-1.0, gap.mean - half);
  gap.upper = std::min(1.0, gap.mean + half);
  if (gap.upper < tolerance) gap.judgement = Judgement::kWithin;
  if (gap.lower > tolerance) gap.judgement = Judgement::kWorse;
  return gap;
}

// The shallowest depth with the best validation mean, leaving out `skip`;
// `skip` itself when it is the only depth.
size_t best_depth(const std::vector<DepthRow>& depths, size_t skip = SIZE_MAX) {
  size_t best = skip == 0 && depths.size() > 1 ? 1 : 0;
  for (size_t i = best + 1; i < depths.size(); ++i) {
    if (i != skip && depths[i].val_mean > depths[best].val_mean) best = i;
  }
  return best;
}

// How many seeds per hinge cell would tell every unclear gap up to the
// recommendation apart from the tolerance with the critical values of `looks`,
// up to `limit`: more than each has, or in all (a new study); empty when any
// cannot.
std::optional<int> seeds_needed(const Verdict& verdict, double tolerance, const SeedLooks& looks,
                                int limit, bool more) {
  int count = 0;
  for (size_t i : verdict.hinges) {
    const GapToBest& gap = verdict.gaps[i];
    // A depth deeper than the recommendation is a hinge for its cells' seeds,
    // never for its own gap.
    if (gap.judgement != Judgement::kUnclear || i > *verdict.recommended) continue;
    const auto needed = seeds_to_decide(gap, tolerance, limit, looks);
    if (!needed) return std::nullopt;
    count = std::max(count, *needed - (more ? gap.pairs : 0));
  }
  return count;
}

}  // namespace

std::optional<int> seeds_to_decide(const GapToBest& gap, double tolerance, int limit,
                                   const SeedLooks& looks) {
  const double margin = std::fabs(tolerance - gap.mean);
  if (gap.pairs < 2 || margin == 0.0) return std::nullopt;
  for (int n = gap.pairs; n <= limit; ++n) {
    if (critical_t(looks, n) * spread_of(gap) / std::sqrt(n) < margin) return n;
  }
  return std::nullopt;
}

Verdict decide(const std::vector<DepthRow>& depths, double tolerance, const SeedLooks& looks) {
  Verdict verdict;
  verdict.looks = looks;
  if (depths.empty()) return verdict;
  const size_t best = best_depth(depths);
  const size_t runner_up = best_depth(depths, best);
  verdict.best = best;
  for (size_t i = 0; i < depths.size(); ++i) {
    verdict.gaps.push_back(gap_between(depths, i == best ? runner_up : best, i, tolerance, looks));
  }
  size_t recommended = 0;
  while (recommended < depths.size() && verdict.gaps[recommended].judgement != Judgement::kWithin)
    ++recommended;
  const bool none_within = recommended == depths.size();
  const auto unclear_before = [&](size_t end) {
    std::vector<size_t> unclear;
    for (size_t i = 0; i < end; ++i) {
      if (verdict.gaps[i].judgement == Judgement::kUnclear) unclear.push_back(i);
    }
    return unclear;
  };
  // None within: the best and the runner-up are too close to call. The call is
  // against the best, or when nothing shallower is unclear, between the two.
  if (none_within) {
    recommended = unclear_before(best).empty() ? std::max(best, runner_up) : best;
  }
  verdict.recommended = recommended;
  verdict.hinges = unclear_before(recommended);
  if (verdict.hinges.empty() && !none_within) {
    verdict.kind =
        depths[recommended].unfrozen == 0 ? VerdictKind::kHeadOnly : VerdictKind::kOpenBlocks;
    return verdict;
  }
  verdict.kind = VerdictKind::kUndecided;
  // The best depth, and when none is within, the runner-up too.
  for (size_t i : {best, runner_up}) {
    if (std::find(verdict.hinges.begin(), verdict.hinges.end(), i) == verdict.hinges.end())
      verdict.hinges.push_back(i);
    if (!none_within) break;
  }
  verdict.unsure = verdict.hinges.front();
  verdict.more_seeds = seeds_needed(verdict, tolerance, looks,
                                    looks.adaptive() ? looks.last : kSeedLimit, /*more=*/true);
  if (!verdict.more_seeds)
    verdict.study_seeds = seeds_needed(verdict, tolerance, {}, kSeedLimit, /*more=*/false);
  return verdict;
}

}  // namespace sweep
