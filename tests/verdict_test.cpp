// The verdict rule and Student's t, against values computed by hand.
#include "analysis/verdict.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/format.h"
#include "analysis/stats.h"
#include "depth_fixture.h"

namespace sweep {
namespace {

using testing::depth;

TEST(StudentT, QuantilesMatchPublishedTables) {
  // Two-sided 95% (p = 0.975) and one-sided 95% (p = 0.95) critical values.
  const struct {
    double p;
    int dof;
    double t;
  } cases[] = {
      {0.975, 1, 12.7062047},  {0.975, 2, 4.30265273},  {0.975, 10, 2.22813885},
      {0.975, 30, 2.04227246}, {0.975, 40, 2.02107539}, {0.975, 60, 2.00029782},
      {0.975, 120, 1.9799304}, {0.95, 1, 6.31375151},   {0.95, 3, 2.35336343},
      {0.95, 5, 2.01504837},   {0.95, 7, 1.89457861},   {0.95, 50, 1.67590503},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(student_t_quantile(c.p, c.dof), c.t, 1e-6) << c.p << " " << c.dof;
  }
  EXPECT_NEAR(student_t_quantile(0.025, 4), -2.77644511, 1e-6);
  EXPECT_NEAR(t_critical_95(45), 2.01410339, 1e-6) << "the old table said 2.000 from 31 to 60";
  EXPECT_EQ(t_critical_95(0), 0.0);
}

TEST(StudentT, CdfInClosedForms) {
  EXPECT_NEAR(student_t_cdf(0.0, 7), 0.5, 1e-12);
  EXPECT_NEAR(student_t_cdf(1.0, 1), 0.75, 1e-12) << "Cauchy: 1/2 + atan(1)/pi";
  // dof 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2))
  EXPECT_NEAR(student_t_cdf(2.0, 2), 0.5 + 2.0 / (2.0 * std::sqrt(6.0)), 1e-12);
  EXPECT_NEAR(student_t_cdf(-2.0, 2), 0.5 - 2.0 / (2.0 * std::sqrt(6.0)), 1e-12);
}

TEST(Verdict, HeadOnlyIsEnoughWhenItsGapIsCrediblyBelowTheTolerance) {
  // Gaps to the best (3 blocks), per seed: 0, 0.005 and 0.0025. Mean 0.0025, sd
  // 0.0025; one-sided bound 0.0025 + t(0.95, 2) * 0.0025 / sqrt(3) = 0.0025 +
  // 2.919986 * 0.0014434 = 0.0025 + 0.0042146.
  const std::vector<DepthRow> depths = {depth(0, {{0, 0.800}, {1, 0.820}, {2, 0.810}}),
                                        depth(3, {{0, 0.800}, {1, 0.825}, {2, 0.8125}})};
  const Verdict v = decide(depths, 0.01);
  EXPECT_EQ(v.kind, VerdictKind::kHeadOnly);
  EXPECT_EQ(*v.best, 1u);
  EXPECT_EQ(*v.recommended, 0u);
  EXPECT_EQ(v.gaps[0].pairs, 3);
  EXPECT_NEAR(v.gaps[0].mean, 0.0025, 1e-12);
  EXPECT_NEAR(v.gaps[0].upper, 0.0067146, 1e-6);
  EXPECT_NEAR(v.gaps[0].lower, -0.0017146, 1e-6);
  EXPECT_EQ(v.gaps[0].judgement, Judgement::kWithin);
  EXPECT_TRUE(v.hinges.empty());
  EXPECT_FALSE(v.more_seeds);
  // The same evidence does not satisfy a tolerance of 0.6 points.
  EXPECT_EQ(decide(depths, 0.006).kind, VerdictKind::kUndecided);
}

TEST(Verdict, OpensTheShallowestDepthWithinToleranceWhenShallowerOnesAreCrediblyWorse) {
  const Verdict v = decide(
      {depth(0, {{0, 0.70}, {1, 0.72}, {2, 0.71}}), depth(2, {{0, 0.885}, {1, 0.90}, {2, 0.89}}),
       depth(4, {{0, 0.89}, {1, 0.905}, {2, 0.895}})},
      0.01);
  EXPECT_EQ(v.kind, VerdictKind::kOpenBlocks);
  EXPECT_EQ(*v.best, 2u);
  EXPECT_EQ(*v.recommended, 1u) << "2 blocks trail 4 by exactly 0.5 points on every seed";
  // No spread measured, taken as a quarter of a point: 0.005 + 2.919986 * 0.0025 / sqrt(3).
  EXPECT_NEAR(v.gaps[1].upper, 0.0092146, 1e-6);
  EXPECT_EQ(v.gaps[0].judgement, Judgement::kWorse);
  // Gaps 0.19, 0.185, 0.185: mean 0.18667, sd 0.0028868, lower bound
  // 0.18667 - t(0.95, 2) * 0.0028868 / sqrt(3) = 0.18667 - 2.919986 * 0.0016667.
  EXPECT_NEAR(v.gaps[0].lower, 0.186667 - 0.0048666, 1e-6);
}

TEST(Verdict, UndecidedSaysBetweenWhatAndHowManyMoreSeeds) {
  // Gaps of head-only to the best (2 blocks): 0.03 and 0.01. Mean 0.02, sd
  // 0.014142: bounds 0.02 -/+ 6.3138 * 0.01: neither side of 0.01. With the same
  // mean and spread, t(0.95, n-1) * 0.014142 / sqrt(n) < 0.01 first holds at
  // n = 8 (1.8946 / 2.8284 * 0.014142 = 0.00947; at n = 7, 0.01039): 6 more.
  const Verdict v = decide({depth(0, {{0, 0.80}, {1, 0.82}}), depth(2, {{0, 0.83}, {1, 0.83}}),
                            depth(5, {{0, 0.70}, {1, 0.71}})},
                           0.01);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided);
  EXPECT_EQ(*v.unsure, 0u);
  EXPECT_EQ(*v.recommended, 1u);
  EXPECT_NEAR(v.gaps[0].lower, 0.02 - 0.063138, 1e-6);
  EXPECT_NEAR(v.gaps[0].upper, 0.02 + 0.063138, 1e-6);
  ASSERT_TRUE(v.more_seeds);
  EXPECT_EQ(*v.more_seeds, 6);
  EXPECT_EQ(v.hinges, (std::vector<size_t>{0, 1})) << "head-only and the best; not depth 5";
}

TEST(Verdict, OneSeedCannotDecideAndCannotEstimate) {
  const Verdict v = decide({depth(0, {{0, 0.80}}), depth(2, {{0, 0.95}})}, 0.01);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided) << "a 15-point gap on one seed has no spread";
  EXPECT_EQ(v.gaps[0].pairs, 1);
  EXPECT_FALSE(v.more_seeds);
}

TEST(Verdict, BoundsNeverLeaveTheScaleOfAccuracy) {
  // Gaps of +85 and -75 points: 0.05 -/+ 6.3138 * 1.1314 / sqrt(2), about -/+ 5.05,
  // which would print as bounds of -500 and +510 points.
  const Verdict v =
      decide({depth(0, {{0, 0.10}, {1, 0.90}}), depth(2, {{0, 0.95}, {1, 0.15}})}, 0.01);
  EXPECT_DOUBLE_EQ(v.gaps[0].lower, -1.0);
  EXPECT_DOUBLE_EQ(v.gaps[0].upper, 1.0);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided);
}

TEST(Verdict, GapsThatAgreeToTheImageAreNotCertain) {
  // Head-only trails by 1.5 points on both seeds: a measured spread of zero.
  // Taken as a quarter of a point, the bounds are 0.015 -/+ 6.3138 * 0.0025 /
  // sqrt(2) = 0.015 -/+ 0.01116: 0.38 to 2.62 points, unclear at 1 point.
  const Verdict v =
      decide({depth(0, {{0, 0.800}, {1, 0.820}}), depth(2, {{0, 0.815}, {1, 0.835}})}, 0.01);
  EXPECT_NEAR(v.gaps[0].sd, 0.0, 1e-12) << "the spread measured is reported as it is";
  EXPECT_NEAR(v.gaps[0].lower, 0.015 - 0.0111613, 1e-6);
  EXPECT_NEAR(v.gaps[0].upper, 0.015 + 0.0111613, 1e-6);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided);
}

TEST(Verdict, SeedsToDecide) {
  GapToBest gap;
  gap.pairs = 2;
  gap.mean = 0.02;
  gap.sd = 0.0141421356;
  EXPECT_EQ(seeds_to_decide(gap, 0.01), 8);
  EXPECT_EQ(seeds_to_decide(gap, 0.01, 7), std::nullopt) << "beyond the limit";
  gap.mean = 0.01;
  EXPECT_EQ(seeds_to_decide(gap, 0.01), std::nullopt) << "exactly at the tolerance";
  gap.pairs = 1;
  gap.mean = 0.05;
  EXPECT_EQ(seeds_to_decide(gap, 0.01), std::nullopt) << "no spread measured";
}

TEST(Verdict, TheBestOnValidationIsNotEnoughWithoutABound) {
  // Head-only leads 2 blocks by 1 point on seed 0 and trails by 0.5 on seed 1:
  // the best on the mean, by chance. Its gap is the runner-up's lead: mean
  // -0.25, sd 1.0607, bounds -0.25 -/+ 6.3138 * 1.0607 / sqrt(2) = -0.25 -/+ 4.7354:
  // not credibly within 1 point, so head-only is not "enough".
  const std::vector<DepthRow> depths = {depth(0, {{0, 0.830}, {1, 0.815}}),
                                        depth(2, {{0, 0.820}, {1, 0.820}})};
  const Verdict v = decide(depths, 0.01);
  EXPECT_EQ(*v.best, 0u);
  EXPECT_EQ(v.gaps[0].against, 1u) << "the best is compared with the runner-up";
  EXPECT_NEAR(v.gaps[0].mean, -0.0025, 1e-12);
  EXPECT_NEAR(v.gaps[0].upper, -0.0025 + 0.047354, 1e-6);
  EXPECT_EQ(v.gaps[0].judgement, Judgement::kUnclear);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided);
  EXPECT_EQ(*v.unsure, 0u);
  EXPECT_EQ(*v.recommended, 1u) << "nothing shallower is unclear: between the best and 2 blocks";
  EXPECT_EQ(v.hinges, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(format_gap(v.gaps[0], true), "best; runner-up -0.3 (-5.0 to 4.5): unclear");
  // With seeds that agree, its lead is credible and head-only is enough.
  const Verdict clear = decide({depth(0, {{0, 0.830}, {1, 0.835}, {2, 0.832}}),
                                depth(2, {{0, 0.820}, {1, 0.822}, {2, 0.821}})},
                               0.01);
  EXPECT_EQ(clear.kind, VerdictKind::kHeadOnly);
  EXPECT_EQ(format_gap(clear.gaps[0], true), "best");
}

TEST(Verdict, NoDepthsNoData) { EXPECT_EQ(decide({}, 0.01).kind, VerdictKind::kNoData); }

}  // namespace
}  // namespace sweep
