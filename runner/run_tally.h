// The counts a run keeps for its progress line: the sweep's trials, how many are
// done (or stopped by successive halving) and failed, how many finished in this
// run, and the best validation accuracy so far; and from them, with the time
// and the running trials' fractions, what the line shows. Pure; not thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "core/records.h"
#include "runner/progress.h"

namespace sweep {

class RunTally {
 public:
  // The trials the store holds for the sweep as the run starts.
  explicit RunTally(const std::vector<TrialRecord>& stored);

  void added(int trials) { total_ += trials; }  // seeds added to the sweep
  void done(const TrialResult& result);         // finished here (or stopped)
  void failed();                                // failed here

  // Every trial of the sweep is done, stopped or failed.
  bool all_finished() const { return done_ + failed_ >= total_; }
  int finished_here() const { return finished_here_; }

  // The line's counts, best value and ETA, `elapsed` seconds into the run with
  // the running trials `running_fraction` of a trial along between them.
  ProgressState progress(double elapsed, double running_fraction) const;

 private:
  void saw(double val_accuracy);

  int total_ = 0, done_ = 0, failed_ = 0, finished_here_ = 0;
  std::optional<double> best_val_;
};

}  // namespace sweep
