// What runs trials, seen from the scheduling loop. The real one trains with
// LibTorch (LocalExecutor, in commands/); tests pass fakes, so the loop is
// tested without it.
#pragma once

#include "core/observer.h"
#include "core/records.h"
#include "runner/worker_protocol.h"

namespace sweep {

class TrialExecutor {
 public:
  virtual ~TrialExecutor() = default;
  // Makes sure a built-in backbone's pretrained weights exist, training them
  // first if needed, and says where they came from.
  virtual PretrainedRecord prepare_backbone(const BackboneSpec& backbone,
                                            TrainingObserver& observer) = 0;
  // Measures, before training, how well the backbone's frozen features suit the
  // target (see TransferMeasure), the probe curve included. The backbone is
  // prepared already.
  virtual TransferMeasure measure(const BackboneSpec& backbone, const TargetSpec& target,
                                  const ProbeSettings& probes, TrainingObserver& observer) = 0;
  // The CPU threads the next jobs may use: the runner's share of the cores now.
  virtual void use_threads(int threads) { (void)threads; }
  // Runs one trial. Throws Interrupted when the observer asks to stop; any other
  // exception fails the trial with its message.
  virtual TrialResult run(const TrialSpec& trial, TrainingObserver& observer) = 0;
};

}  // namespace sweep
