// The verdict predicted before training, from the probe curve (BoundaryProbe):
// when the probe after an earlier boundary beats the probe after the last one
// by more than the tolerance, the blocks after that boundary are specific to the
// source and must be opened; otherwise head-only is predicted to be enough.
// And whether the verdict measured by training agreed. Pure.
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
  size_t best = 0;       // index into the curve of the best probe (the deepest among ties)
  double gain = 0.0;     // its validation accuracy minus the last boundary's
  double seconds = 0.0;  // what the curve took to measure
};

Prediction predict_verdict(const std::vector<BoundaryProbe>& curve, double tolerance);

enum class PredictionCheck { kRight, kWrong, kUnknown };

// Right when the measured verdict is of the same kind (head-only, or opening
// blocks); unknown while the measured verdict is undecided or missing.
PredictionCheck check_prediction(const Prediction& prediction, const Verdict& measured);

// "predicted before training (4.1 s): open 3 blocks, the probe after stage1
// beats the last boundary's by 6.2 points; right: training opened 4"
std::string prediction_sentence(const Prediction& prediction,
                                const std::vector<BoundaryProbe>& curve, const Verdict& measured,
                                const std::vector<DepthRow>& depths);

}  // namespace sweep
