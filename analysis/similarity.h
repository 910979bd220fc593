// How the answer moves with the distance between target and source: per
// backbone, one point per target measured before training (its Fréchet
// distance to the source), with the head-only gap and the depth training
// required, and the rank correlation between distance and gap. A ladder of
// shifted targets (core/sweep_spec.h) draws this curve. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/summary.h"

namespace sweep {

struct SimilarityPoint {
  std::string target, similarity;
  double frechet = 0.0;
  double logme = 0.0;
  std::optional<double> head_only_test;  // mean over seeds
  // Best deeper depth minus head-only on test, paired over seeds; unset
  // without both depths.
  std::optional<PairedDifference> gap;
  VerdictKind verdict = VerdictKind::kNoData;
  // The blocks the verdict opens (0 = head-only); undecided: the range it
  // hesitates over, low to high. Unset without a verdict.
  std::optional<int> required_low, required_high;
};

struct SimilarityTrend {
  std::string backbone;
  std::vector<SimilarityPoint> points;  // measured targets, nearest first; no distance last
  // Spearman's rank correlation between distance and gap, over the points with
  // a gap; unset with fewer than three, where a rank order says little.
  std::optional<double> rank_correlation;
  double p_value = 1.0;  // one-sided, for a positive correlation (rank_correlation_p)
  int correlated = 0;    // the points behind it
};

// One trend per backbone with at least one measured target, in the summary's order.
std::vector<SimilarityTrend> similarity_trends(const SweepSummary& summary);

// "+4.2 (2.9 to 5.5)": the gap and its 95% interval, in points; "" without one.
std::string gap_text(const SimilarityPoint& point);
// "head-only", "2", "2 or 3" (undecided), "" without a verdict.
std::string required_depth_text(const SimilarityPoint& point);

// What the rank correlation says, and whether the targets are enough to say
// it: "... +0.83 over 6 targets (one-sided p = 0.02): the farther the target
// from the source, the more head-only gives away." A trend that chance could
// make as easily is called a lean, not a finding.
std::string trend_sentence(const SimilarityTrend& trend);

}  // namespace sweep
