#include "analysis/prediction.h"

#include <cmath>
#include <cstdlib>

#include "analysis/format.h"
#include "analysis/text_table.h"
#include "core/strategy.h"

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
      if (measured.unsure && measured.recommended) {
        const DepthRow& a = depths[*measured.unsure];
        const DepthRow& b = depths[*measured.recommended];
        return "training is undecided between " + depth_name(a.unfrozen, a.blocks) + " and " +
               depth_name(b.unfrozen, b.blocks) + " so far";
      }
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
  for (const BoundaryProbe& probe : curve) prediction.seconds += probe.seconds;
  prediction.all = curve.front().suffix_val_accuracy;
  prediction.last = curve.back().val_accuracy;
  // Accuracies are counts over the same images: a little slack for rounding.
  const double within = tolerance + 1e-9;
  size_t from = curve.size() - 1;
  while (from > 0 && prediction.all - curve[from].suffix_val_accuracy > within) --from;
  prediction.from = from;
  prediction.unfrozen = curve.back().boundary - curve[from].boundary;
  prediction.fit = curve.back().train_accuracy;
  if (prediction.unfrozen == 0 && 1.0 - prediction.fit > within) {  // false for NaN
    prediction.unfrozen = 1;
    prediction.from_fit = true;
  }
  prediction.kind = prediction.unfrozen > 0 ? VerdictKind::kOpenBlocks : VerdictKind::kHeadOnly;
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
                                const std::vector<BoundaryProbe>& curve) {
  if (prediction.kind == VerdictKind::kNoData)
    return "no prediction: no probe curve measured with this sweep's settings";
  const std::string text =
      "predicted before training (" + format_seconds(prediction.seconds) + "): ";
  const std::string last = percent(prediction.last) + " on the last block's features alone";
  if (prediction.kind == VerdictKind::kHeadOnly) {
    const std::string fit =
        std::isnan(prediction.fit)
            ? std::string()
            : "; and that probe fits " + percent(prediction.fit) + " of the training images";
    return text + "head-only is enough: a probe on every block's features side by side reaches " +
           percent(prediction.all) + ", within the tolerance of " + last + fit;
  }
  if (prediction.from_fit) {
    return text + "open at least 1 block: a probe on the last block's features fits only " +
           percent(prediction.fit) +
           " of the target's own training images, so the frozen features do not separate its "
           "classes, and no head can change that";
  }
  const BoundaryProbe& from = curve[prediction.from];
  return text + blocks_to_open(prediction.unfrozen) + ": a probe on the features from " +
         from.block + " on reaches " + percent(from.suffix_val_accuracy) + ", against " + last +
         " (" +
         printf_string("%+.1f points", 100.0 * (from.suffix_val_accuracy - prediction.last)) +
         "), so the blocks after " + from.block + " must learn to carry what the target needs";
}

std::string probe_curve_table(const std::vector<BoundaryProbe>& curve,
                              const Prediction& prediction) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < curve.size(); ++i) {
    const BoundaryProbe& p = curve[i];
    const bool marked = prediction.kind == VerdictKind::kOpenBlocks && i == prediction.from;
    rows.push_back({std::to_string(p.boundary) + (marked ? " *" : ""), p.block,
                    std::to_string(p.feature_dim), percent(p.val_accuracy),
                    percent(p.suffix_val_accuracy),
                    std::isnan(p.train_accuracy) ? "-" : percent(p.train_accuracy),
                    printf_string("%.3f", p.logme), format_seconds(p.seconds)});
  }
  return format_table({"after block", "name", "features", "probe there", "probe from there on",
                       "fits train", "LogME", "seconds"},
                      rows, 4);
}

PredictionGrade grade_prediction(const Prediction& prediction, const Verdict& measured,
                                 const std::vector<DepthRow>& depths, double tolerance,
                                 double target_device_seconds) {
  if (measured.kind == VerdictKind::kUndecided && prediction.kind != VerdictKind::kNoData &&
      measured.unsure && measured.recommended) {
    Verdict shallower = measured, deeper = measured;
    shallower.kind =
        depths[*measured.unsure].unfrozen == 0 ? VerdictKind::kHeadOnly : VerdictKind::kOpenBlocks;
    shallower.recommended = measured.unsure;
    deeper.kind = VerdictKind::kOpenBlocks;
    const PredictionGrade a =
        grade_prediction(prediction, shallower, depths, tolerance, target_device_seconds);
    const PredictionGrade b =
        grade_prediction(prediction, deeper, depths, tolerance, target_device_seconds);
    if (a.right != b.right) return {};
    PredictionGrade grade = std::abs(a.blocks_off) < std::abs(b.blocks_off) ? a : b;
    // The loss that holds either way: the larger when right, the smaller when wrong.
    const bool a_loses_more = a.val_lost > b.val_lost;
    const PredictionGrade& loss = a_loses_more == a.right ? a : b;
    grade.val_lost = loss.val_lost;
    grade.test_lost = loss.test_lost;
    grade.either_way = true;
    return grade;
  }
  PredictionGrade grade;
  if (check_prediction(prediction, measured) == PredictionCheck::kUnknown) return grade;
  const DepthRow& chosen = depths[*measured.recommended];
  grade.known = true;
  grade.predicted = prediction.unfrozen;
  grade.measured = chosen.unfrozen;
  grade.blocks_off = grade.predicted - grade.measured;
  for (size_t i = 1; i < depths.size(); ++i) {
    const int distance = std::abs(depths[i].unfrozen - grade.predicted);
    if (distance <= std::abs(depths[grade.followed].unfrozen - grade.predicted)) grade.followed = i;
  }
  const DepthRow& followed = depths[grade.followed];
  grade.val_lost = chosen.val_mean - followed.val_mean;
  grade.test_lost = chosen.test_mean - followed.test_mean;
  if (target_device_seconds > 0.0) {
    grade.compute_saved =
        1.0 - (prediction.seconds + followed.device_seconds) / target_device_seconds;
  }
  // Means over the same images: a little slack for rounding, as in predict_verdict.
  grade.right = grade.val_lost <= tolerance + 1e-9;
  return grade;
}

std::string prediction_check_phrase(const Prediction& prediction, const Verdict& measured,
                                    const std::vector<DepthRow>& depths, double tolerance,
                                    double target_device_seconds) {
  const PredictionGrade g =
      grade_prediction(prediction, measured, depths, tolerance, target_device_seconds);
  if (!g.known) return measured_phrase(measured, depths);
  const int off = std::abs(g.blocks_off);
  const std::string blocks = std::to_string(off) + (off == 1 ? " block" : " blocks");
  // "1.5 points on validation (1.9 on test)": what following it loses.
  const auto points = [](double lost) { return lost > 0.0 ? 100.0 * lost : 0.0; };
  const std::string lost = printf_string("%.1f points on validation", points(g.val_lost)) +
                           printf_string(" (%.1f on test)", points(g.test_lost));
  const std::string either = g.either_way ? " either way" : "";
  std::string text;
  if (g.exact() && !g.either_way) {
    text = "right: exact depth";
  } else if (g.right) {
    const std::string at_most = g.either_way ? "at most " : "";
    text = "right" + either + ": " +
           (g.exact() ? std::string("it opens one of the two, losing ")
                      : blocks + (g.blocks_off < 0 ? " short, losing " : " too deep, losing ")) +
           at_most + lost;
  } else {
    text =
        "WRONG" + either + ": off by " + blocks + ", " + (g.either_way ? "at least " : "") + lost;
  }
  text += " (" + measured_phrase(measured, depths) + ")";
  if (target_device_seconds > 0.0) {
    text += printf_string("; following it would have saved %.0f%% of the target's device time",
                          100.0 * g.compute_saved);
  }
  return text;
}

}  // namespace sweep
