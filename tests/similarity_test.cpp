#include "analysis/similarity.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/report_charts.h"
#include "analysis/report_text.h"
#include "analysis/stats.h"

namespace sweep {
namespace {

TEST(Stats, SpearmanRanksWithTiesAndNoSpread) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 35, 90}), 1.0) << "monotone, not linear";
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // ranks x 1 2 3, y 1.5 1.5 3: r = 0.866025...
  EXPECT_NEAR(spearman({1, 2, 3}, {5, 5, 7}), std::sqrt(3.0) / 2.0, 1e-12);
  EXPECT_EQ(spearman({1, 2, 3}, {4, 4, 4}), 0.0);
}

// A target whose head-only trails the deeper depth by `gap` on every seed.
TargetSummary target(const std::string& name, double frechet, double gap, int opened) {
  TargetSummary t;
  t.backbone = "bb";
  t.target = name;
  TransferMeasure m;
  m.frechet = frechet;
  m.logme = -frechet;
  t.measure = m;
  DepthRow head, deep;
  deep.unfrozen = 2;
  for (int seed = 0; seed < 3; ++seed) {
    head.test_by_seed[seed] = 0.80 + 0.01 * seed;
    deep.test_by_seed[seed] = 0.80 + 0.01 * seed + gap;
  }
  head.test_mean = 0.81;
  deep.test_mean = 0.81 + gap;
  t.depths = {head, deep};
  t.head_only = 0;
  t.best_deeper = 1;
  t.verdict.kind = opened == 0 ? VerdictKind::kHeadOnly : VerdictKind::kOpenBlocks;
  t.verdict.recommended = opened == 0 ? 0 : 1;
  t.verdict.best = 1;
  t.verdict.gaps.resize(t.depths.size());
  return t;
}

SweepSummary ladder() {
  SweepSummary s;
  s.targets = {target("c@1", 9.0, 0.08, 2), target("c@0", 1.0, 0.002, 0),
               target("c@0.5", 4.0, 0.05, 2), target("digits", 12.0, 0.06, 2)};
  TargetSummary unmeasured = target("x", 0, 0, 0);
  unmeasured.measure.reset();
  s.targets.push_back(unmeasured);
  return s;
}

TEST(Similarity, PointsNearestFirstWithGapDepthAndRankCorrelation) {
  const std::vector<SimilarityTrend> trends = similarity_trends(ladder());
  ASSERT_EQ(trends.size(), 1u);
  const SimilarityTrend& t = trends[0];
  ASSERT_EQ(t.points.size(), 4u) << "the unmeasured target is left out";
  EXPECT_EQ(t.points[0].target, "c@0");
  EXPECT_EQ(t.points[3].target, "digits");
  EXPECT_NEAR(t.points[1].gap->mean, 0.05, 1e-12);
  EXPECT_EQ(t.points[1].gap->pairs, 3);
  EXPECT_EQ(required_depth_text(t.points[0]), "head-only");
  EXPECT_EQ(required_depth_text(t.points[1]), "2");
  EXPECT_EQ(gap_text(t.points[1]).substr(0, 5), "+5.0 ");
  // distances 1 4 9 12, gaps 0.2 5 8 6 points: ranks 1 2 4 3, rho = 0.8
  ASSERT_TRUE(t.rank_correlation.has_value());
  EXPECT_NEAR(*t.rank_correlation, 0.8, 1e-12);
  EXPECT_EQ(t.correlated, 4);
  // t = 0.8 sqrt(2 / 0.36) with 2 degrees of freedom: one-sided p = 0.10 exactly.
  EXPECT_NEAR(t.p_value, 0.10, 1e-9);
  EXPECT_EQ(trend_sentence(t),
            "Distance and head-only gap: Spearman rank correlation +0.80 over 4 targets "
            "(one-sided p = 0.10): it leans that way (the farther the target, the more head-only "
            "gives away), but 4 targets cannot tell that from chance.");
}

TEST(Similarity, ATrendIsCalledOnlyWhenTheTargetsSupportIt) {
  SweepSummary s;
  for (int i = 0; i < 6; ++i) {
    s.targets.push_back(target("t" + std::to_string(i), 1.0 + i, 0.01 * (i + 1), 2));
  }
  SimilarityTrend t = similarity_trends(s).at(0);
  EXPECT_DOUBLE_EQ(*t.rank_correlation, 1.0);
  EXPECT_EQ(t.p_value, 0.0);
  EXPECT_EQ(trend_sentence(t),
            "Distance and head-only gap: Spearman rank correlation +1.00 over 6 targets "
            "(one-sided p = 0.00): the farther the target from the source, the more head-only "
            "gives away.");
  for (auto& target : s.targets) target.measure->frechet = -target.measure->frechet;
  t = similarity_trends(s).at(0);
  EXPECT_DOUBLE_EQ(*t.rank_correlation, -1.0);
  EXPECT_EQ(trend_sentence(t),
            "Distance and head-only gap: Spearman rank correlation -1.00 over 6 targets "
            "(one-sided p = 1.00): no sign that the farther targets lose more with head-only.");
}

TEST(Similarity, ATargetWithoutADistanceComesLastAndCountsForNothing) {
  SweepSummary s = ladder();
  s.targets[1].measure->frechet = std::nan("");  // c@0, as a TorchScript backbone measures
  const SimilarityTrend t = similarity_trends(s).at(0);
  ASSERT_EQ(t.points.size(), 4u);
  EXPECT_EQ(t.points.back().target, "c@0");
  EXPECT_EQ(t.correlated, 3);
  // distances 4 9 12, gaps 5 8 6: ranks 1 3 2, rho = 0.5
  EXPECT_NEAR(*t.rank_correlation, 0.5, 1e-12);
  const std::string text = render_text_report(s);
  EXPECT_NE(text.find("Frechet distance to the source not measured"), std::string::npos);
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
}

TEST(Similarity, UndecidedTargetsShowTheRangeAndFewPointsNoCorrelation) {
  SweepSummary s;
  s.targets = {target("a", 1.0, 0.01, 0), target("b", 2.0, 0.03, 2)};
  s.targets[1].verdict.kind = VerdictKind::kUndecided;
  s.targets[1].verdict.unsure = 0;
  const SimilarityTrend t = similarity_trends(s).at(0);
  EXPECT_EQ(required_depth_text(t.points[1]), "head-only or 2");
  EXPECT_FALSE(t.rank_correlation.has_value());
  EXPECT_EQ(trend_sentence(t),
            "Distance and head-only gap: 2 targets with both, too few for a rank correlation (it "
            "needs three).");
}

TEST(Similarity, ReportsShowTheTrendInTextAndChart) {
  const SweepSummary s = ladder();
  const std::string text = render_text_report(s);
  EXPECT_NE(text.find("the answer against the measured distance, backbone bb"), std::string::npos);
  EXPECT_NE(text.find("Spearman rank correlation +0.80 over 4 targets"), std::string::npos);
  bool charted = false;
  for (const Chart& chart : report_charts(s)) {
    if (chart.title.find("Similarity") == std::string::npos) continue;
    charted = true;
    EXPECT_NE(chart.caption.find("+0.80"), std::string::npos);
    const auto& rows = chart.spec.at("data").at("values");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_DOUBLE_EQ(rows[1].at("blocks").get<double>(), 2.0);
    EXPECT_LT(rows[1].at("gap_low").get<double>(), rows[1].at("gap").get<double>());
  }
  EXPECT_TRUE(charted);
}

}  // namespace
}  // namespace sweep
