// The verdict predicted before training, from the probe curve (BoundaryProbe).
// Head-only sees the last block's features averaged over the whole image; two
// probes ask whether the frozen backbone holds more than that shows:
// - Depth, in the manner of Head2Toe (Evci et al., ICML 2022): a probe on the
//   pooled features of every block side by side shows what a head could reach
//   if the blocks were trained to carry those features up. When it beats the
//   last block's probe by more than the tolerance, the last blocks lose or hide
//   something the target needs, and a fine-tune must open them: as many as
//   follow the latest boundary from which the side-by-side probe still comes
//   within the tolerance of the all-blocks one.
// - Fit: when the last block's probe cannot fit the target's own training
//   images to within the tolerance, the frozen features do not separate the
//   target's classes, and no head can change that: open at least one block.
// Otherwise head-only is predicted to be enough. And whether the verdict
// measured by training agreed. Pure.
#pragma once

#include <string>
#include <vector>

#include "analysis/depth_row.h"
#include "analysis/verdict.h"
#include "core/records.h"

namespace sweep {

struct Prediction {
  VerdictKind kind = VerdictKind::kNoData;  // kHeadOnly or kOpenBlocks; kNoData without a curve
  int unfrozen = 0;                         // blocks predicted to need opening; 0 for head-only
  size_t from = 0;        // index of the boundary whose features onwards the target needs
  double all = 0.0;       // the probe on every block's features side by side
  double last = 0.0;      // the probe on the last block's features: what head-only sees
  double fit = 0.0;       // that probe's accuracy on the training split; NaN when not measured
  bool from_fit = false;  // blocks are to be opened for the fit alone
  double seconds = 0.0;   // what the curve took to measure
};

Prediction predict_verdict(const std::vector<BoundaryProbe>& curve, double tolerance);

enum class PredictionCheck { kRight, kWrong, kUnknown };

// Right when the measured verdict is of the same kind (head-only, or opening
// blocks); unknown while the measured verdict is undecided or missing.
PredictionCheck check_prediction(const Prediction& prediction, const Verdict& measured);

// "predicted before training (4.1 s): open 3 blocks, the probe after stage1
// beats the last boundary's by 6.2 points"
std::string prediction_sentence(const Prediction& prediction,
                                const std::vector<BoundaryProbe>& curve);

// The curve as a text table, the boundary the prediction opens from marked "*".
std::string probe_curve_table(const std::vector<BoundaryProbe>& curve,
                              const Prediction& prediction);

// The prediction graded by depth against the verdict training measured.
// Following the prediction means training the measured depth nearest the
// blocks it opens (the deeper on a tie; "at least 1" counts as 1) instead of
// the recommended one. An undecided verdict is graded against both depths it
// is undecided between, and only when both give the same answer ("right
// either way", "wrong either way"); the grade then counts blocks from the
// nearer of the two, and states the loss that holds either way: the larger of
// the two when right, the smaller when wrong.
struct PredictionGrade {
  bool known = false;       // false when either is missing, or an undecided verdict
                            // is right against one of its depths and wrong against the other
  bool either_way = false;  // graded against both depths of an undecided verdict
  int predicted = 0;        // blocks the prediction opens
  int measured = 0;         // blocks the verdict opens (undecided: the nearer of its two)
  size_t followed = 0;      // index into the depths: what following the prediction trains
  int blocks_off = 0;       // predicted minus measured: < 0 too shallow
  double val_lost = 0.0;    // validation means, recommended minus followed (a fraction)
  double test_lost = 0.0;
  // 1 - (the probe curve's seconds + one trial of the followed depth) / the
  // target's device time: what following it would have saved of the sweep.
  double compute_saved = 0.0;
  bool exact() const { return known && blocks_off == 0; }
  bool within_one_block() const { return known && blocks_off >= -1 && blocks_off <= 1; }
  bool right = false;  // loses at most the tolerance on validation
};

PredictionGrade grade_prediction(const Prediction& prediction, const Verdict& measured,
                                 const std::vector<DepthRow>& depths, double tolerance,
                                 double target_device_seconds);

// The prediction against the verdict training measured: "right: exact depth
// (training opened 4)", "right: 1 block short, 0.3 points lost on validation
// (training opened 4)", "WRONG: off by 2 blocks, 1.9 points (training opened
// 4)", "right either way: 1 block short, losing at most 0.6 points ...
// (training is undecided between 3 and 4 blocks)", "training is undecided so
// far"; with what following it saves.
std::string prediction_check_phrase(const Prediction& prediction, const Verdict& measured,
                                    const std::vector<DepthRow>& depths, double tolerance,
                                    double target_device_seconds);

}  // namespace sweep
