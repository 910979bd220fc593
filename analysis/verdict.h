// The answer for one target, decided with the seed-to-seed spread: head-only is
// enough, open k blocks, or undecided between two depths (and roughly how many
// more seeds would settle it). Pure.
//
// The rule works on validation accuracy only; the test split is quoted, never
// used to choose. Each depth is taken at its own best learning rate. The best
// depth is the one with the best mean; every depth is compared with the best of
// the others (the best depth with the runner-up), paired by seed: gap =
// val(other, seed) - val(depth, seed). With n pairs, mean m and standard
// deviation s, the bounds of the mean gap are m -/+ c_n * s / sqrt(n), with c_n
// the critical value of sequential.h: one-sided 95% across every look that
// adaptive seeds take (t(0.95, n-1) for a fixed seed list). A depth is
//   - within tolerance when the upper bound is below the tolerance (credibly
//     not worse than the other by more than it; a lone depth always is);
//   - worse when the lower bound is above the tolerance (credibly worse by more);
//   - unclear otherwise, and always with fewer than two pairs.
// So "the best on validation" is only enough when its lead is credible too.
// A spread s below a quarter of a point (one validation image of 400) counts as
// a quarter of a point: gaps that agree to the image are not certain.
// The recommendation is the shallowest depth within tolerance, when every
// shallower depth is credibly worse. When a shallower depth is unclear, the
// verdict is undecided between the shallowest unclear depth and that
// recommendation; the cells it hinges on are the unclear depths shallower than
// the recommendation and the best depth. When no depth is within (the best and
// the runner-up too close to call), the runner-up's cells are hinges too, and
// the recommendation is the best, or the deeper of the two when nothing
// shallower than the best is unclear.
#pragma once

#include <optional>
#include <vector>

#include "analysis/depth_row.h"
#include "analysis/sequential.h"

namespace sweep {

enum class Judgement { kWithin, kWorse, kUnclear };

// The best other depth's validation accuracy minus one depth's, paired by seed.
struct GapToBest {
  size_t against = 0;  // index of the other depth: the best, or for the best the runner-up
  int pairs = 0;
  double mean = 0.0;  // a fraction: 0.011 is 1.1 points
  double sd = 0.0;
  double lower = 0.0;  // one-sided 95% bounds over every look; equal to mean with < 2 pairs
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
  // kUndecided: about how many more seeds per hinge cell would decide it within
  // the looks planned, if the means and spreads stay as measured; empty when it
  // cannot be estimated (fewer than two seeds, a gap exactly at the tolerance)
  // or would pass the last look.
  std::optional<int> more_seeds;
  // kUndecided with no more_seeds: the seeds per cell a new study with a fixed
  // seed list (one look) would likely need to decide it; empty when it cannot
  // be estimated or would take more than 100.
  std::optional<int> study_seeds;
  SeedLooks looks;  // the looks the bounds hold across
};

// `depths` ascending in unfrozen blocks; `tolerance` a fraction (0.01 = 1 point);
// `looks` those of the sweep's seeds (one look when left out).
Verdict decide(const std::vector<DepthRow>& depths, double tolerance, const SeedLooks& looks = {});

// Seeds n >= `pairs`, up to `limit`, at which a gap with this mean and spread
// would be told apart from the tolerance with the critical values of `looks`
// (one look: one-sided 95%); empty when it cannot be estimated or would take more.
std::optional<int> seeds_to_decide(const GapToBest& gap, double tolerance, int limit = 100,
                                   const SeedLooks& looks = {});

}  // namespace sweep
