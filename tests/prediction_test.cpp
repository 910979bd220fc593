// The verdict predicted from the probe curve, and its check against training.
#include "analysis/prediction.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep {
namespace {

// Probes after each boundary (`alone`), on the features from each boundary
// on, side by side (`from_here`; the last equals its `alone`), and on each
// boundary's features per quarter of the image (`grid`; unmeasured when empty).
std::vector<BoundaryProbe> curve(const std::vector<double>& alone,
                                 const std::vector<double>& from_here,
                                 const std::vector<double>& grid = {}) {
  std::vector<BoundaryProbe> probes;
  const char* names[] = {"stem", "stage1", "stage2", "stage3", "stage4"};
  for (size_t i = 0; i < alone.size(); ++i) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(i) + 1;
    p.block = names[i];
    p.val_accuracy = alone[i];
    p.suffix_val_accuracy = from_here[i];
    if (!grid.empty()) p.grid_val_accuracy = grid[i];
    p.seconds = 0.5;
    probes.push_back(p);
  }
  return probes;
}

Verdict measured(VerdictKind kind, size_t recommended) {
  Verdict v;
  v.kind = kind;
  v.recommended = recommended;
  return v;
}

std::vector<DepthRow> depths() {
  std::vector<DepthRow> rows(6);
  for (int i = 0; i < 6; ++i) rows[static_cast<size_t>(i)].unfrozen = i;
  return rows;
}

// The default study's curves, rounded: clothes and digits.
const std::vector<double> kAlone = {0.532, 0.684, 0.813, 0.795, 0.823};

TEST(Prediction, HeadOnlyWhenEarlierBlocksAddNothingBeyondTheTolerance) {
  const Prediction p = predict_verdict(
      curve({0.60, 0.70, 0.80, 0.83, 0.84}, {0.845, 0.845, 0.842, 0.84, 0.84}), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kHeadOnly);
  EXPECT_EQ(p.from, 4u);
  EXPECT_EQ(p.unfrozen, 0);
  EXPECT_DOUBLE_EQ(p.all, 0.845);
  EXPECT_DOUBLE_EQ(p.last, 0.84);
  EXPECT_DOUBLE_EQ(p.seconds, 2.5);
}

TEST(Prediction, OpensTheBlocksAfterWhereTheTargetsFeaturesAreAlready) {
  const Prediction p = predict_verdict(curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kOpenBlocks);
  EXPECT_EQ(p.from, 2u) << "from stage2 on, 89.0% is within a point of 90.0%";
  EXPECT_EQ(p.unfrozen, 2) << "stage3 and stage4 come after stage2";
  const Prediction edge = predict_verdict(curve(kAlone, {0.90, 0.89, 0.85, 0.84, 0.823}), 0.01);
  EXPECT_EQ(edge.unfrozen, 3) << "a point exactly is within the tolerance";
}

// The default study's clothes target, rounded: no earlier boundary adds
// anything, but the last block's features per quarter of the image beat their
// whole-image average by 2.5 points (training opened 2 blocks for +3.5).
const std::vector<double> kFlat = {0.688, 0.735, 0.803, 0.815, 0.840};
const std::vector<double> kFlatFromHere = {0.845, 0.845, 0.842, 0.84, 0.84};

TEST(Prediction, OpensABlockWhenTheLayoutPoolingDiscardsMatters) {
  const Prediction p =
      predict_verdict(curve(kFlat, kFlatFromHere, {0.817, 0.840, 0.858, 0.873, 0.865}), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kOpenBlocks);
  EXPECT_TRUE(p.from_grid);
  EXPECT_EQ(p.unfrozen, 1);
  EXPECT_DOUBLE_EQ(p.grid, 0.865);
  const Prediction within =
      predict_verdict(curve(kFlat, kFlatFromHere, {0.8, 0.8, 0.8, 0.8, 0.85}), 0.01);
  EXPECT_EQ(within.kind, VerdictKind::kHeadOnly) << "a point exactly is within the tolerance";
  EXPECT_FALSE(within.from_grid);
  const Prediction unmeasured = predict_verdict(curve(kFlat, kFlatFromHere), 0.01);
  EXPECT_EQ(unmeasured.kind, VerdictKind::kHeadOnly) << "curves stored before the grid probe";
  EXPECT_TRUE(std::isnan(unmeasured.grid));
}

TEST(Prediction, DepthFromEarlierBoundariesWinsOverTheLayout) {
  const Prediction p = predict_verdict(
      curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}, {0.9, 0.92, 0.93, 0.905, 0.895}), 0.01);
  EXPECT_EQ(p.unfrozen, 2);
  EXPECT_FALSE(p.from_grid);
}

TEST(Prediction, CheckedAgainstTheMeasuredVerdict) {
  const Prediction open = predict_verdict(curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}), 0.01);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kOpenBlocks, 4)), PredictionCheck::kRight);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kHeadOnly, 0)), PredictionCheck::kWrong);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kUndecided, 1)),
            PredictionCheck::kUnknown);
  EXPECT_EQ(check_prediction(predict_verdict({}, 0.01), measured(VerdictKind::kHeadOnly, 0)),
            PredictionCheck::kUnknown);
}

TEST(Prediction, Sentences) {
  const auto c = curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823});
  const Prediction p = predict_verdict(c, 0.01);
  EXPECT_EQ(prediction_sentence(p, c),
            "predicted before training (2.5 s): open 2 blocks: a probe on the features from "
            "stage2 on reaches 89.0%, against 82.3% on the last block's features alone (+6.7 "
            "points), so the blocks after stage2 must learn to carry what the target needs");
  EXPECT_EQ(prediction_check_phrase(p, measured(VerdictKind::kOpenBlocks, 4), depths()),
            "right: training opened 4");
  EXPECT_EQ(prediction_check_phrase(p, measured(VerdictKind::kHeadOnly, 0), depths()),
            "WRONG: training found head-only enough");
  const auto flat = curve({0.60, 0.70, 0.80, 0.83, 0.84}, {0.845, 0.845, 0.842, 0.84, 0.84});
  EXPECT_EQ(prediction_sentence(predict_verdict(flat, 0.01), flat),
            "predicted before training (2.5 s): head-only is enough: a probe on every block's "
            "features side by side reaches 84.5%, within the tolerance of 84.0% on the last "
            "block's features alone");
  EXPECT_EQ(prediction_check_phrase(predict_verdict(flat, 0.01),
                                    measured(VerdictKind::kUndecided, 0), depths()),
            "training is undecided so far");
  EXPECT_EQ(prediction_sentence(predict_verdict({}, 0.01), {}),
            "no prediction: the probe curve was not measured");
  const auto layout = curve(kFlat, kFlatFromHere, {0.817, 0.840, 0.858, 0.873, 0.865});
  EXPECT_EQ(prediction_sentence(predict_verdict(layout, 0.01), layout),
            "predicted before training (2.5 s): open at least 1 block: a probe on the last "
            "block's features averaged over each quarter of the image reaches 86.5%, against "
            "84.0% averaged over the whole (+2.5 points), so pooling loses where features "
            "fire, which trained blocks can fold into them");
  const auto same = curve(kFlat, kFlatFromHere, {0.817, 0.840, 0.858, 0.873, 0.838});
  EXPECT_EQ(prediction_sentence(predict_verdict(same, 0.01), same),
            "predicted before training (2.5 s): head-only is enough: a probe on every block's "
            "features side by side reaches 84.5% and one on them per quarter of the image "
            "83.8%, within the tolerance of 84.0% on the last block's features alone");
}

}  // namespace
}  // namespace sweep
