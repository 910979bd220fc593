// The verdict predicted from the probe curve, and its check against training.
#include "analysis/prediction.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

// Probes after each boundary (`alone`) and on the features from each boundary
// on, side by side (`from_here`; the last equals its `alone`).
std::vector<BoundaryProbe> curve(const std::vector<double>& alone,
                                 const std::vector<double>& from_here) {
  std::vector<BoundaryProbe> probes;
  const char* names[] = {"stem", "stage1", "stage2", "stage3", "stage4"};
  for (size_t i = 0; i < alone.size(); ++i) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(i) + 1;
    p.block = names[i];
    p.val_accuracy = alone[i];
    p.suffix_val_accuracy = from_here[i];
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
}

}  // namespace
}  // namespace sweep
