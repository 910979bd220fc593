// The sequential verdict rule's boundaries, against values checked by hand
// (its error is measured in verdict_monte_carlo_test.cpp).
#include "analysis/sequential.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "analysis/stats.h"

namespace sweep {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double normal_quantile_of_t(double t, int dof) {
  // The z with the same upper tail as Student's t at `t`.
  double low = 0.0, high = 40.0;
  const double tail = 1.0 - student_t_cdf(t, dof);
  for (int i = 0; i < 200; ++i) {
    const double middle = 0.5 * (low + high);
    (0.5 * std::erfc(middle / std::sqrt(2.0)) > tail ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

TEST(SequentialBoundaries, AFixedSeedListIsOneLookAtStudentsT) {
  const SeedLooks fixed{3, 3};
  EXPECT_FALSE(fixed.adaptive());
  EXPECT_NEAR(critical_t(fixed, 2), 6.31375151, 1e-6) << "t(0.95, 1)";
  EXPECT_NEAR(critical_t(fixed, 4), 2.35336343, 1e-6) << "t(0.95, 3): fewer seeds than listed";
  EXPECT_NEAR(critical_t(fixed, 8), 1.89457861, 1e-6);
  EXPECT_EQ(critical_t(fixed, 1), kInfinity) << "no spread measured";
  EXPECT_EQ(critical_t(SeedLooks{}, 6), critical_t(fixed, 6)) << "no design given: one look";
}

TEST(SequentialBoundaries, SeedLooksOfTheGrid) {
  GridSpec grid;
  grid.seeds = {0, 1, 2};
  EXPECT_EQ(seed_looks(grid).first, 3);
  EXPECT_FALSE(seed_looks(grid).adaptive());
  grid.max_seeds = 8;
  EXPECT_EQ(seed_looks(grid).last, 8);
  EXPECT_TRUE(seed_looks(grid).adaptive());
}

// Two looks, at 2 and 3 seeds. Whatever the shape, crossing at either is at
// least as likely as at the last alone and at most the sum of the two (Bonferroni):
// so the nominal level of each look lies between 2.5% and 5%, and each critical
// value between t(0.95) and t(0.975) of its degrees of freedom. Each shape then
// has its own relation between the two looks.
TEST(SequentialBoundaries, TwoLooksByHand) {
  const SeedLooks two{2, 3};
  for (BoundaryShape shape : {BoundaryShape::kOBrienFleming, BoundaryShape::kPocock}) {
    const double c2 = critical_t(two, 2, shape), c3 = critical_t(two, 3, shape);
    EXPECT_GT(c3, 2.91998558) << "t(0.95, 2): stricter than a single look";
    EXPECT_LT(c3, 4.30265273) << "t(0.975, 2): less strict than Bonferroni";
    if (shape == BoundaryShape::kPocock) {
      EXPECT_GT(c2, 6.31375151);
      EXPECT_LT(c2, 12.7062047);
      EXPECT_NEAR(student_t_cdf(c2, 1), student_t_cdf(c3, 2), 1e-9) << "one nominal level";
    } else {
      // z boundaries C sqrt(3 / n): the look at 2 seeds is sqrt(1.5) stricter.
      EXPECT_NEAR(normal_quantile_of_t(c2, 1), std::sqrt(1.5) * normal_quantile_of_t(c3, 2), 1e-6);
    }
  }
  EXPECT_EQ(critical_t(two, 1), kInfinity);
  EXPECT_EQ(critical_t(two, 9), critical_t(two, 3)) << "beyond the last look: the last's value";
  EXPECT_EQ(critical_t(SeedLooks{3, 8}, 2), kInfinity) << "not a look the design planned";
  EXPECT_EQ(critical_t(SeedLooks{1, 2}, 2), critical_t(SeedLooks{}, 2))
      << "no look before two seeds: one look";
}

TEST(SequentialBoundaries, TheDefaultStudysDesign) {
  const SeedLooks looks{2, 8};
  double previous = kInfinity;
  for (int n = 2; n <= 8; ++n) {
    const double c = critical_t(looks, n);
    EXPECT_LT(c, previous) << "O'Brien-Fleming: each look less strict than the one before";
    EXPECT_GT(c, critical_t(SeedLooks{}, n)) << "every look stricter than a single look";
    previous = c;
  }
  EXPECT_LT(critical_t(looks, 8), 2.5) << "the last look near the single-look 1.89";
  EXPECT_EQ(critical_t(looks, 5), critical_t(looks, 5)) << "cached, and the same";
}

}  // namespace
}  // namespace sweep
