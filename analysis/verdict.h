// The answer for one target, decided with the seed-to-seed spread: head-only is
// enough, open k blocks, or undecided between two depths (and roughly how many
// more seeds would settle it). Pure.
//
// The rule works on validation accuracy only; the test split is quoted, never
// used to choose. Each depth is taken at its own best learning rate. The best
// depth is the one with the best mean; every other depth is compared with it,
// paired by seed: gap = val(best, seed) - val(depth, seed). With n pairs, mean m
// and standard deviation s, the one-sided 95% bounds of the mean gap are
// m -/+ t(0.95, n-1) * s / sqrt(n). A depth is
//   - within tolerance when the upper bound is below the tolerance (credibly
//     not worse than the best by more than it; the best depth always is);
//   - worse when the lower bound is above the tolerance (credibly worse by more);
//   - unclear otherwise, and always with fewer than two pairs.
// A spread s below a quarter of a point (one validation image of 400) counts as
// a quarter of a point: gaps that agree to the image are not certain.
// The recommendation is the shallowest depth within tolerance, when every
// shallower depth is credibly worse. When a shallower depth is unclear, the
// verdict is undecided between the shallowest unclear depth and that
// recommendation; the cells it hinges on are the unclear depths shallower than
// the recommendation and the best depth.
#pragma once

#include <optional>
#include <vector>

#include "analysis/depth_row.h"

namespace sweep {

enum class Judgement { kWithin, kWorse, kUnclear };

// The best depth's validation accuracy minus one depth's, paired by seed.
struct GapToBest {
  int pairs = 0;
  double mean = 0.0;  // a fraction: 0.011 is 1.1 points
  double sd = 0.0;
  double lower = 0.0;  // one-sided 95% bounds of the mean; equal to mean with < 2 pairs
  double upper = 0.0;
  Judgement judgement = Judgement::kUnclear;
};

enum class VerdictKind { kNoData, kHeadOnly, kOpenBlocks, kUndecided };

struct Verdict {
  VerdictKind kind = VerdictKind::kNoData;
  std::optional<size_t> best;         // index into the depths: the best validation mean
  std::optional<size_t> recommended;  // the shallowest depth within tolerance
  std::optional<size_t> unsure;       // kUndecided: the shallowest unclear depth
  std::vector<GapToBest> gaps;        // parallel to the depths
  std::vector<size_t> hinges;         // kUndecided: depths whose cells more seeds would settle
  // kUndecided: about how many more seeds per hinge cell would decide it, if
  // the means and spreads stay as measured; empty when it cannot be estimated
  // (fewer than two seeds, or a gap exactly at the tolerance).
  std::optional<int> more_seeds;
};

// `depths` ascending in unfrozen blocks; `tolerance` a fraction (0.01 = 1 point).
Verdict decide(const std::vector<DepthRow>& depths, double tolerance);

// Seeds n >= `pairs` at which a gap with this mean and spread would be told
// apart from the tolerance at one-sided 95%; empty when it cannot be estimated
// or would take more than `limit` seeds.
std::optional<int> seeds_to_decide(const GapToBest& gap, double tolerance, int limit = 100);

}  // namespace sweep
