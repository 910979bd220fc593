// The verdict predicted from the probe curve, and its check against training.
#include "analysis/prediction.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

std::vector<BoundaryProbe> curve(const std::vector<double>& accuracies) {
  std::vector<BoundaryProbe> probes;
  const char* names[] = {"stem", "stage1", "stage2", "stage3", "stage4"};
  for (size_t i = 0; i < accuracies.size(); ++i) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(i) + 1;
    p.block = names[i];
    p.val_accuracy = accuracies[i];
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

TEST(Prediction, HeadOnlyWhenTheLastBoundaryIsBestOrCloseEnough) {
  const Prediction p = predict_verdict(curve({0.60, 0.70, 0.80, 0.84, 0.85}), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kHeadOnly);
  EXPECT_EQ(p.best, 4u);
  EXPECT_DOUBLE_EQ(p.seconds, 2.5);
  const Prediction close = predict_verdict(curve({0.60, 0.70, 0.80, 0.855, 0.85}), 0.01);
  EXPECT_EQ(close.kind, VerdictKind::kHeadOnly) << "half a point is within the tolerance";
  EXPECT_EQ(close.best, 3u);
}

TEST(Prediction, OpensTheBlocksAfterTheBestBoundary) {
  const Prediction p = predict_verdict(curve({0.80, 0.90, 0.88, 0.84, 0.82}), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kOpenBlocks);
  EXPECT_EQ(p.best, 1u);
  EXPECT_EQ(p.unfrozen, 3) << "stage2, stage3 and stage4 come after stage1";
  EXPECT_NEAR(p.gain, 0.08, 1e-12);
  const Prediction tie = predict_verdict(curve({0.90, 0.90, 0.80}), 0.01);
  EXPECT_EQ(tie.unfrozen, 1) << "of equal probes, the deeper opens fewer blocks";
}

TEST(Prediction, CheckedAgainstTheMeasuredVerdict) {
  const Prediction open = predict_verdict(curve({0.80, 0.90, 0.88, 0.84, 0.82}), 0.01);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kOpenBlocks, 4)), PredictionCheck::kRight);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kHeadOnly, 0)), PredictionCheck::kWrong);
  EXPECT_EQ(check_prediction(open, measured(VerdictKind::kUndecided, 1)),
            PredictionCheck::kUnknown);
  EXPECT_EQ(check_prediction(predict_verdict({}, 0.01), measured(VerdictKind::kHeadOnly, 0)),
            PredictionCheck::kUnknown);
}

TEST(Prediction, Sentences) {
  const auto c = curve({0.80, 0.90, 0.88, 0.84, 0.82});
  const Prediction p = predict_verdict(c, 0.01);
  EXPECT_EQ(prediction_sentence(p, c, measured(VerdictKind::kOpenBlocks, 4), depths()),
            "predicted before training (2.5 s): open 3 blocks, the probe after stage1 beats the "
            "last boundary's by 8.0 points; right: training opened 4");
  EXPECT_EQ(prediction_sentence(p, c, measured(VerdictKind::kHeadOnly, 0), depths()),
            "predicted before training (2.5 s): open 3 blocks, the probe after stage1 beats the "
            "last boundary's by 8.0 points; WRONG: training found head-only enough");
  const auto flat = curve({0.60, 0.70, 0.80, 0.855, 0.85});
  EXPECT_EQ(prediction_sentence(predict_verdict(flat, 0.01), flat,
                                measured(VerdictKind::kUndecided, 0), depths()),
            "predicted before training (2.5 s): head-only is enough, no earlier boundary's probe "
            "beats the last one's by more than the tolerance (the best, after stage3, by 0.5 "
            "points); training is undecided so far");
}

}  // namespace
}  // namespace sweep
