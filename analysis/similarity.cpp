#include "analysis/similarity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/format.h"
#include "analysis/stats.h"

namespace sweep {
namespace {

SimilarityPoint point_of(const TargetSummary& t) {
  SimilarityPoint p;
  p.target = t.target;
  p.similarity = t.similarity;
  p.frechet = t.measure->frechet;
  p.logme = t.measure->logme;
  if (t.head_only) p.head_only_test = t.depths[*t.head_only].test_mean;
  if (t.head_only && t.best_deeper) {
    p.gap = paired_difference(t.depths[*t.best_deeper], t.depths[*t.head_only]);
  }
  p.verdict = t.verdict.kind;
  const auto blocks = [&](std::optional<size_t> depth) {
    return depth ? std::optional<int>(t.depths[*depth].unfrozen) : std::nullopt;
  };
  p.required_high = blocks(t.verdict.recommended);
  p.required_low =
      t.verdict.kind == VerdictKind::kUndecided ? blocks(t.verdict.unsure) : p.required_high;
  return p;
}

}  // namespace

std::vector<SimilarityTrend> similarity_trends(const SweepSummary& summary) {
  std::vector<SimilarityTrend> trends;
  for (const TargetSummary& t : summary.targets) {
    if (!t.measure) continue;
    auto it = std::find_if(trends.begin(), trends.end(),
                           [&](const SimilarityTrend& s) { return s.backbone == t.backbone; });
    if (it == trends.end()) {
      it = trends.insert(trends.end(), SimilarityTrend());
      it->backbone = t.backbone;
    }
    it->points.push_back(point_of(t));
  }
  for (SimilarityTrend& trend : trends) {
    // Targets without a distance (NaN) come last and stay out of the correlation.
    const auto distance = [](const SimilarityPoint& p) {
      return std::isfinite(p.frechet) ? p.frechet : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(trend.points.begin(), trend.points.end(),
                     [&](const SimilarityPoint& a, const SimilarityPoint& b) {
                       return distance(a) < distance(b);
                     });
    std::vector<double> distances, gaps;
    for (const SimilarityPoint& p : trend.points) {
      if (!p.gap || !std::isfinite(p.frechet)) continue;
      distances.push_back(p.frechet);
      gaps.push_back(p.gap->mean);
    }
    trend.correlated = static_cast<int>(gaps.size());
    if (gaps.size() >= 3) {
      trend.rank_correlation = spearman(distances, gaps);
      trend.p_value = rank_correlation_p(*trend.rank_correlation, trend.correlated);
    }
  }
  return trends;
}

std::string gap_text(const SimilarityPoint& point) {
  return point.gap ? format_difference(*point.gap) : "";
}

std::string required_depth_text(const SimilarityPoint& point) {
  if (!point.required_low || !point.required_high) return "";
  const auto name = [](int blocks) {
    return blocks == 0 ? std::string("head-only") : std::to_string(blocks);
  };
  if (*point.required_low == *point.required_high) return name(*point.required_low);
  return name(*point.required_low) + " or " + name(*point.required_high);
}

std::string trend_sentence(const SimilarityTrend& trend) {
  if (!trend.rank_correlation) {
    return "Distance and head-only gap: " + std::to_string(trend.correlated) +
           (trend.correlated == 1 ? " target" : " targets") +
           " with both, too few for a rank correlation (it needs three).";
  }
  const double rho = *trend.rank_correlation;
  const std::string n = std::to_string(trend.correlated) + " targets";
  std::string reading;
  if (rho > 0 && trend.p_value < 0.05) {
    reading = "the farther the target from the source, the more head-only gives away";
  } else if (rho > 0) {
    reading = "it leans that way (the farther the target, the more head-only gives away), but " +
              n + " cannot tell that from chance";
  } else {
    reading = "no sign that the farther targets lose more with head-only";
  }
  return "Distance and head-only gap: Spearman rank correlation " + printf_string("%+.2f", rho) +
         " over " + n + " (one-sided p = " + printf_string("%.2f", trend.p_value) +
         "): " + reading + ".";
}

}  // namespace sweep
