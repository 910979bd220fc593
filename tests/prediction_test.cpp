// The verdict predicted from the probe curve, and its check against training.
#include "analysis/prediction.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep {
namespace {

// Probes after each boundary (`alone`), on the features from each boundary
// on, side by side (`from_here`; the last equals its `alone`), and how well
// each `alone` probe fits its training split (`fit`; unmeasured when empty).
std::vector<BoundaryProbe> curve(const std::vector<double>& alone,
                                 const std::vector<double>& from_here,
                                 const std::vector<double>& fit = {}) {
  std::vector<BoundaryProbe> probes;
  const char* names[] = {"stem", "stage1", "stage2", "stage3", "stage4"};
  for (size_t i = 0; i < alone.size(); ++i) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(i) + 1;
    p.block = names[i];
    p.val_accuracy = alone[i];
    p.suffix_val_accuracy = from_here[i];
    if (!fit.empty()) p.train_accuracy = fit[i];
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

// A hand-made curve of the far target's kind: validation and test means by
// depth, and a trial's device seconds.
std::vector<DepthRow> depths() {
  const double val[] = {0.810, 0.860, 0.925, 0.935, 0.940, 0.938};
  const double test[] = {0.800, 0.850, 0.926, 0.930, 0.945, 0.940};
  std::vector<DepthRow> rows(6);
  for (size_t i = 0; i < 6; ++i) {
    rows[i].unfrozen = static_cast<int>(i);
    rows[i].blocks = 5;
    rows[i].val_mean = val[i];
    rows[i].test_mean = test[i];
    rows[i].device_seconds = 10.0 * static_cast<double>(i + 1);
  }
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
// anything, but the last block's probe fits only 92.3% of the training images
// (training opened 2 blocks); a control target of the source's own classes
// fits 99.8% (training found head-only enough).
const std::vector<double> kFlat = {0.695, 0.742, 0.790, 0.810, 0.858};
const std::vector<double> kFlatFromHere = {0.852, 0.862, 0.850, 0.848, 0.858};
const std::vector<double> kUnderfit = {0.70, 0.77, 0.86, 0.93, 0.923};
const std::vector<double> kFits = {0.81, 0.89, 0.96, 0.98, 0.998};

TEST(Prediction, OpensABlockWhenTheLastProbeCannotFitTheTrainingImages) {
  const Prediction p = predict_verdict(curve(kFlat, kFlatFromHere, kUnderfit), 0.01);
  EXPECT_EQ(p.kind, VerdictKind::kOpenBlocks);
  EXPECT_TRUE(p.from_fit);
  EXPECT_EQ(p.unfrozen, 1);
  EXPECT_DOUBLE_EQ(p.fit, 0.923);
  const Prediction fits = predict_verdict(curve(kFlat, kFlatFromHere, kFits), 0.01);
  EXPECT_EQ(fits.kind, VerdictKind::kHeadOnly);
  EXPECT_FALSE(fits.from_fit);
  const Prediction edge =
      predict_verdict(curve(kFlat, kFlatFromHere, {0.8, 0.8, 0.8, 0.8, 0.99}), 0.01);
  EXPECT_EQ(edge.kind, VerdictKind::kHeadOnly) << "a point exactly is within the tolerance";
  const Prediction unmeasured = predict_verdict(curve(kFlat, kFlatFromHere), 0.01);
  EXPECT_EQ(unmeasured.kind, VerdictKind::kHeadOnly) << "curves stored before the fit was";
  EXPECT_TRUE(std::isnan(unmeasured.fit));
}

TEST(Prediction, DepthFromEarlierBoundariesWinsOverTheFit) {
  const Prediction p =
      predict_verdict(curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}, kUnderfit), 0.01);
  EXPECT_EQ(p.unfrozen, 2);
  EXPECT_FALSE(p.from_fit);
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

TEST(Prediction, GradedByDepth) {
  const Prediction p = predict_verdict(curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}), 0.01);
  ASSERT_EQ(p.unfrozen, 2);
  // Training opened 4: following the prediction trains 2 blocks, 1.5 points
  // behind on validation (94.0% against 92.5%), 1.9 on test.
  const PredictionGrade far =
      grade_prediction(p, measured(VerdictKind::kOpenBlocks, 4), depths(), 0.01, 300.0);
  EXPECT_TRUE(far.known);
  EXPECT_EQ(far.predicted, 2);
  EXPECT_EQ(far.measured, 4);
  EXPECT_EQ(far.blocks_off, -2);
  EXPECT_FALSE(far.exact());
  EXPECT_FALSE(far.within_one_block());
  EXPECT_EQ(far.followed, 2u);
  EXPECT_NEAR(far.val_lost, 0.015, 1e-12);
  EXPECT_NEAR(far.test_lost, 0.019, 1e-12);
  EXPECT_FALSE(far.right);
  // 2.5 s of probes and one 30 s trial instead of 300 s.
  EXPECT_NEAR(far.compute_saved, 1.0 - 32.5 / 300.0, 1e-12);
  EXPECT_EQ(
      prediction_check_phrase(p, measured(VerdictKind::kOpenBlocks, 4), depths(), 0.01, 300.0),
      "WRONG: off by 2 blocks, 1.5 points on validation (1.9 on test) (training opened 4); "
      "following it would have saved 89% of the target's device time");
  // Training opened 3: one block short, 1.0 point: right at a 1-point tolerance.
  const PredictionGrade near =
      grade_prediction(p, measured(VerdictKind::kOpenBlocks, 3), depths(), 0.01, 0);
  EXPECT_TRUE(near.within_one_block());
  EXPECT_TRUE(near.right);
  EXPECT_EQ(
      prediction_check_phrase(p, measured(VerdictKind::kOpenBlocks, 3), depths(), 0.01, 0),
      "right: 1 block short, losing 1.0 points on validation (0.4 on test) (training opened 3)");
  EXPECT_FALSE(
      grade_prediction(p, measured(VerdictKind::kOpenBlocks, 3), depths(), 0.005, 0).right);
  EXPECT_TRUE(
      grade_prediction(p, measured(VerdictKind::kOpenBlocks, 2), depths(), 0.01, 0).exact());
  EXPECT_EQ(prediction_check_phrase(p, measured(VerdictKind::kOpenBlocks, 2), depths(), 0.01, 0),
            "right: exact depth (training opened 2)");
  // A depth the grid lacks: the nearest measured one, the deeper on a tie.
  std::vector<DepthRow> gappy = depths();
  gappy.erase(gappy.begin() + 2);  // no 2 blocks: 1 and 3 are as near; 3 is followed
  const PredictionGrade tie =
      grade_prediction(p, measured(VerdictKind::kOpenBlocks, 3), gappy, 0.01, 0);
  EXPECT_EQ(gappy[tie.followed].unfrozen, 3);
  EXPECT_FALSE(tie.exact()) << "the prediction said 2, not 3";
  EXPECT_FALSE(grade_prediction(p, measured(VerdictKind::kUndecided, 3), depths(), 0.01, 0).known);
}

Verdict undecided_between(size_t unsure, size_t recommended) {
  Verdict v = measured(VerdictKind::kUndecided, recommended);
  v.unsure = unsure;
  return v;
}

TEST(Prediction, GradedAgainstBothDepthsOfAnUndecidedVerdict) {
  const Prediction p = predict_verdict(curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823}), 0.01);
  ASSERT_EQ(p.unfrozen, 2);
  // Between 2 and 3 blocks: exact against 2, 1.0 point behind 3: right either
  // way, and the loss stated is the larger.
  const PredictionGrade both = grade_prediction(p, undecided_between(2, 3), depths(), 0.01, 0);
  EXPECT_TRUE(both.known);
  EXPECT_TRUE(both.either_way);
  EXPECT_TRUE(both.right);
  EXPECT_TRUE(both.exact());
  EXPECT_EQ(both.measured, 2);
  EXPECT_NEAR(both.val_lost, 0.010, 1e-12);
  EXPECT_NEAR(both.test_lost, 0.004, 1e-12);
  EXPECT_EQ(prediction_check_phrase(p, undecided_between(2, 3), depths(), 0.01, 0),
            "right either way: it opens one of the two, losing at most 1.0 points on validation "
            "(0.4 on test) (training is undecided between 2 blocks and 3 blocks so far)");
  // Between 4 and all: 1.5 and 1.3 points behind: wrong either way, by at least
  // the smaller loss, counted from the nearer depth.
  const PredictionGrade neither = grade_prediction(p, undecided_between(4, 5), depths(), 0.01, 0);
  EXPECT_TRUE(neither.known);
  EXPECT_FALSE(neither.right);
  EXPECT_EQ(neither.blocks_off, -2);
  EXPECT_FALSE(neither.within_one_block());
  EXPECT_NEAR(neither.val_lost, 0.013, 1e-12);
  EXPECT_EQ(prediction_check_phrase(p, undecided_between(4, 5), depths(), 0.01, 0),
            "WRONG either way: off by 2 blocks, at least 1.3 points on validation (1.4 on test) "
            "(training is undecided between 4 blocks and 5 (all) blocks so far)");
  // Between 3 and 4: right against 3 (1.0 point), wrong against 4 (1.5): no grade.
  EXPECT_FALSE(grade_prediction(p, undecided_between(3, 4), depths(), 0.01, 0).known);
  EXPECT_EQ(prediction_check_phrase(p, undecided_between(3, 4), depths(), 0.01, 0),
            "training is undecided between 3 blocks and 4 blocks so far");
  // Between head-only and 2: head-only does worse than the 2 blocks followed.
  const PredictionGrade head = grade_prediction(p, undecided_between(0, 2), depths(), 0.01, 0);
  EXPECT_TRUE(head.right);
  EXPECT_EQ(head.blocks_off, 0);
  EXPECT_NEAR(head.val_lost, 0.0, 1e-12);
}

TEST(Prediction, Sentences) {
  const auto c = curve(kAlone, {0.90, 0.895, 0.89, 0.86, 0.823});
  const Prediction p = predict_verdict(c, 0.01);
  EXPECT_EQ(prediction_sentence(p, c),
            "predicted before training (2.5 s): open 2 blocks: a probe on the features from "
            "stage2 on reaches 89.0%, against 82.3% on the last block's features alone (+6.7 "
            "points), so the blocks after stage2 must learn to carry what the target needs");
  EXPECT_EQ(prediction_check_phrase(p, measured(VerdictKind::kOpenBlocks, 4), depths(), 0.01, 0),
            "WRONG: off by 2 blocks, 1.5 points on validation (1.9 on test) (training opened 4)");
  EXPECT_EQ(prediction_check_phrase(p, measured(VerdictKind::kHeadOnly, 0), depths(), 0.01, 0),
            "right: 2 blocks too deep, losing 0.0 points on validation (0.0 on test) (training "
            "found head-only enough)")
      << "deeper than needed costs compute, not accuracy";
  const auto flat = curve({0.60, 0.70, 0.80, 0.83, 0.84}, {0.845, 0.845, 0.842, 0.84, 0.84});
  EXPECT_EQ(prediction_sentence(predict_verdict(flat, 0.01), flat),
            "predicted before training (2.5 s): head-only is enough: a probe on every block's "
            "features side by side reaches 84.5%, within the tolerance of 84.0% on the last "
            "block's features alone");
  EXPECT_EQ(prediction_check_phrase(predict_verdict(flat, 0.01),
                                    measured(VerdictKind::kUndecided, 0), depths(), 0.01, 100),
            "training is undecided so far");
  EXPECT_EQ(prediction_sentence(predict_verdict({}, 0.01), {}),
            "no prediction: no probe curve measured with this sweep's settings");
  const auto underfit = curve(kFlat, kFlatFromHere, kUnderfit);
  EXPECT_EQ(prediction_sentence(predict_verdict(underfit, 0.01), underfit),
            "predicted before training (2.5 s): open at least 1 block: a probe on the last "
            "block's features fits only 92.3% of the target's own training images, so the frozen "
            "features do not separate its classes, and no head can change that");
  const auto fits = curve(kFlat, kFlatFromHere, kFits);
  EXPECT_EQ(prediction_sentence(predict_verdict(fits, 0.01), fits),
            "predicted before training (2.5 s): head-only is enough: a probe on every block's "
            "features side by side reaches 85.2%, within the tolerance of 85.8% on the last "
            "block's features alone; and that probe fits 99.8% of the training images");
}

}  // namespace
}  // namespace sweep
