// Seeds paired across depths: the correlation at the same seed, by hand.
#include "analysis/pairing.h"

#include <gtest/gtest.h>

#include "analysis/report_html.h"
#include "analysis/report_text.h"
#include "analysis/summary.h"
#include "depth_fixture.h"

namespace sweep {
namespace {

using testing::depth;

TEST(SeedPairing, CorrelationAtTheSameSeedByHand) {
  // 0 and 2 move together exactly (r = 1); 5 with each of them: deviations
  // (-1, 0, 1) against (-1, 1, 0): r = (1 + 0 + 0) / (sqrt(2) sqrt(2)) = 0.5.
  const std::vector<DepthRow> depths = {depth(0, {{0, 0.80}, {1, 0.81}, {2, 0.82}}),
                                        depth(2, {{0, 0.90}, {1, 0.91}, {2, 0.92}}),
                                        depth(5, {{0, 0.90}, {1, 0.92}, {2, 0.91}})};
  const SeedPairing p = seed_pairing(depths);
  EXPECT_EQ(p.depth_pairs, 3);
  EXPECT_NEAR(p.max_r, 1.0, 1e-12);
  EXPECT_NEAR(p.min_r, 0.5, 1e-12);
  EXPECT_NEAR(p.mean_r, 2.0 / 3.0, 1e-12) << "(1 + 0.5 + 0.5) / 3";
  EXPECT_EQ(seed_pairing_sentence(p),
            "seeds pair across depths: validation accuracy at the same seed correlates r = 0.67 "
            "between depths on average (0.50 to 1.00 over 3 pairs of depths); with equal "
            "spreads a paired gap's variance is 1 - r of an unpaired one's");
}

TEST(SeedPairing, NeedsThreeSharedSeeds) {
  const SeedPairing p = seed_pairing(
      {depth(0, {{0, 0.80}, {1, 0.81}, {2, 0.82}}), depth(2, {{0, 0.90}, {1, 0.91}, {7, 0.92}})});
  EXPECT_EQ(p.depth_pairs, 0) << "seeds 0 and 1 only in common";
  EXPECT_EQ(seed_pairing_sentence(p), "");
}

TrialRecord done(int unfrozen, int seed, double val) {
  TrialRecord r;
  r.spec.id = std::to_string(unfrozen) + "-" + std::to_string(seed);
  r.spec.backbone.name = "bb";
  r.spec.target.name = "cats";
  r.spec.unfrozen = unfrozen;
  r.spec.blocks = 5;
  r.spec.lr = 0.01;
  r.spec.seed = seed;
  r.state = TrialState::kDone;
  TrialResult result;
  result.val_accuracy = val;
  result.test_accuracy = val;
  r.result = result;
  return r;
}

TEST(SeedPairing, ShownInBothReports) {
  std::vector<TrialRecord> trials;
  for (int seed = 0; seed < 3; ++seed) {
    trials.push_back(done(0, seed, 0.80 + 0.01 * seed));
    trials.push_back(done(2, seed, 0.90 + 0.01 * seed));
  }
  const SweepSummary s = summarize("x", trials, std::nullopt);
  const std::string sentence =
      "seeds pair across depths: validation accuracy at the same seed correlates r = 1.00";
  EXPECT_NE(render_text_report(s).find("  " + sentence), std::string::npos);
  EXPECT_NE(render_html_report({s}, ReportContext{}).find("<br>" + sentence), std::string::npos);
}

}  // namespace
}  // namespace sweep
