// Runs trials in this process on one device with LibTorch, keeping loaded data
// and pretrained backbones between trials. LibTorch's exceptions stop here and
// become RuntimeError with their message (no backtrace).
#pragma once

#include <memory>
#include <string>

#include "runner/trial_executor.h"

namespace sweep {

class TrialResources;

class LocalExecutor : public TrialExecutor {
 public:
  // Sets LibTorch's intra-op threads for this process to `threads`.
  LocalExecutor(const std::string& device, int threads, const std::string& cache_dir);
  ~LocalExecutor() override;

  PretrainedRecord prepare_backbone(const BackboneSpec& backbone,
                                    TrainingObserver& observer) override;
  TransferMeasure measure(const BackboneSpec& backbone, const TargetSpec& target,
                          TrainingObserver& observer) override;
  TrialResult run(const TrialSpec& trial, TrainingObserver& observer) override;

 private:
  std::unique_ptr<TrialResources> resources_;
};

}  // namespace sweep
