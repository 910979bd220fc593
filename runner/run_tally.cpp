#include "runner/run_tally.h"

#include "runner/eta.h"

namespace sweep {

RunTally::RunTally(const std::vector<TrialRecord>& stored) {
  for (const TrialRecord& t : stored) {
    ++total_;
    if (t.state == TrialState::kDone || t.state == TrialState::kStopped) {
      ++done_;
      saw(t.result->val_accuracy);
    }
    if (t.state == TrialState::kFailed) ++failed_;
  }
}

void RunTally::done(const TrialResult& result) {
  ++finished_here_;
  ++done_;
  saw(result.val_accuracy);
}

void RunTally::failed() {
  ++finished_here_;
  ++failed_;
}

void RunTally::saw(double val_accuracy) {
  if (!best_val_ || val_accuracy > *best_val_) best_val_ = val_accuracy;
}

ProgressState RunTally::progress(double elapsed, double running_fraction) const {
  ProgressState state;
  state.total = total_;
  state.done = done_;
  state.failed = failed_;
  state.elapsed = elapsed;
  state.best_val = best_val_;
  state.eta = estimate_eta(elapsed, finished_here_ + running_fraction,
                           total_ - done_ - failed_ - running_fraction);
  return state;
}

}  // namespace sweep
