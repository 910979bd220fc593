#include "runner/run_sentences.h"

#include "analysis/format.h"
#include "analysis/prediction.h"
#include "analysis/summary.h"

namespace sweep {

std::string pretrained_sentence(const std::string& backbone, const PretrainedRecord& record) {
  return "backbone " + describe_backbone({backbone, record});
}

std::string measured_sentence(const TransferMeasure& m, double tolerance) {
  return "measured " + m.backbone + " on " + m.target + ": LogME " +
         printf_string("%.3f", m.logme) + ", Frechet distance " + format_frechet(m.frechet) + "; " +
         prediction_sentence(predict_verdict(m.curve, tolerance), m.curve);
}

std::string skipped_sentence(const TransferMeasure& m) {
  if (m.skipped_images.empty()) return "";
  return "skipped  " + m.target + ": " + skipped_images_phrase(m.skipped_images.size()) +
         ", first " + m.skipped_images.front() +
         " (all in `sweep report --html` and the skipped_images table)";
}

std::string rung_stopped_sentence(const std::string& trial, int epoch, double val_accuracy) {
  return "halving  " + trial + ": val " + percent(val_accuracy) + " at epoch " +
         std::to_string(epoch) + " trails its learning-rate siblings; stopped there";
}

std::string withdrawn_sentence(const std::string& trial, int epoch, double val_accuracy) {
  return "halving  " + trial + ": val " + percent(val_accuracy) + " at epoch " +
         std::to_string(epoch) +
         " trails the siblings that reached it later; stopped after its current epoch";
}

std::string trial_result_sentence(const std::string& trial, const std::string& where,
                                  const TrialResult& r) {
  if (r.stopped_epoch) {
    return "stopped  " + trial + " on " + where + " after epoch " +
           std::to_string(*r.stopped_epoch) + ": val " + percent(r.val_accuracy) + ", " +
           format_seconds(r.train_seconds);
  }
  const std::string peak =
      r.peak_memory_bytes > 0
          ? ", peak memory " + format_bytes(static_cast<double>(r.peak_memory_bytes))
          : "";
  return std::string(r.diverged ? "diverged " : "done     ") + trial + " on " + where + ": test " +
         percent(r.test_accuracy) + ", val " + percent(r.val_accuracy) + ", " +
         format_seconds(r.train_seconds) + peak;
}

std::string trial_failed_sentence(const std::string& trial, const std::string& where,
                                  const std::string& cause) {
  return "failed   " + trial + " on " + where + ": " + cause;
}

std::string backbone_failed_sentence(const std::string& backbone, const std::string& where,
                                     const std::string& cause) {
  return "backbone " + backbone + " could not be pretrained on " + where + ": " + cause +
         "; its trials are skipped";
}

std::string measure_failed_sentence(const std::string& backbone, const std::string& target,
                                    const std::string& where, const std::string& cause) {
  return "could not measure " + backbone + " on " + target + " (" + where + "): " + cause +
         "; the report shows it unmeasured";
}

std::string retired_sentence(const std::string& where, int failures) {
  return where + " failed " + std::to_string(failures) +
         " jobs in a row; taking it out of rotation";
}

std::string out_of_devices_sentence() {
  return "every device is out of rotation; stopping with trials left pending";
}

std::string timed_out_cause(double seconds) { return "timed out after " + format_seconds(seconds); }

}  // namespace sweep
