#include "analysis/prediction.h"

#include "analysis/format.h"

namespace sweep {
namespace {

std::string blocks_to_open(int unfrozen) {
  return "open " + std::to_string(unfrozen) + (unfrozen == 1 ? " block" : " blocks");
}

std::string measured_phrase(const Verdict& measured, const std::vector<DepthRow>& depths) {
  switch (measured.kind) {
    case VerdictKind::kHeadOnly:
      return "training found head-only enough";
    case VerdictKind::kOpenBlocks:
      return "training opened " + std::to_string(depths[*measured.recommended].unfrozen);
    case VerdictKind::kUndecided:
      return "training is undecided so far";
    case VerdictKind::kNoData:
      break;
  }
  return "no trial has finished yet";
}

}  // namespace

Prediction predict_verdict(const std::vector<BoundaryProbe>& curve, double tolerance) {
  Prediction prediction;
  if (curve.empty()) return prediction;
  size_t best = curve.size() - 1;
  for (size_t i = curve.size() - 1; i-- > 0;) {
    if (curve[i].val_accuracy > curve[best].val_accuracy) best = i;
  }
  for (const BoundaryProbe& probe : curve) prediction.seconds += probe.seconds;
  prediction.best = best;
  prediction.gain = curve[best].val_accuracy - curve.back().val_accuracy;
  if (prediction.gain > tolerance) {
    prediction.kind = VerdictKind::kOpenBlocks;
    prediction.unfrozen = curve.back().boundary - curve[best].boundary;
  } else {
    prediction.kind = VerdictKind::kHeadOnly;
  }
  return prediction;
}

PredictionCheck check_prediction(const Prediction& prediction, const Verdict& measured) {
  if (prediction.kind == VerdictKind::kNoData || measured.kind == VerdictKind::kNoData ||
      measured.kind == VerdictKind::kUndecided) {
    return PredictionCheck::kUnknown;
  }
  return prediction.kind == measured.kind ? PredictionCheck::kRight : PredictionCheck::kWrong;
}

std::string prediction_sentence(const Prediction& prediction,
                                const std::vector<BoundaryProbe>& curve, const Verdict& measured,
                                const std::vector<DepthRow>& depths) {
  if (prediction.kind == VerdictKind::kNoData)
    return "no prediction: the probe curve was not measured";
  const BoundaryProbe& best = curve[prediction.best];
  std::string text = "predicted before training (" + format_seconds(prediction.seconds) + "): ";
  if (prediction.kind == VerdictKind::kHeadOnly) {
    text +=
        "head-only is enough, no earlier boundary's probe beats the last one's by more than the "
        "tolerance";
    if (prediction.best + 1 != curve.size()) {
      text += " (the best, after " + best.block + ", by " +
              printf_string("%.1f points", 100.0 * prediction.gain) + ")";
    }
  } else {
    text += blocks_to_open(prediction.unfrozen) + ", the probe after " + best.block +
            " beats the last boundary's by " +
            printf_string("%.1f points", 100.0 * prediction.gain);
  }
  switch (check_prediction(prediction, measured)) {
    case PredictionCheck::kRight:
      return text + "; right: " + measured_phrase(measured, depths);
    case PredictionCheck::kWrong:
      return text + "; WRONG: " + measured_phrase(measured, depths);
    case PredictionCheck::kUnknown:
      break;
  }
  return text + "; " + measured_phrase(measured, depths);
}

}  // namespace sweep
