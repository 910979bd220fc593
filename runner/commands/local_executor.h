// Runs trials in this process on one device with LibTorch, keeping loaded data,
// pretrained backbones and frozen features between trials. LibTorch's exceptions
// stop here and become RuntimeError with their message (no backtrace).
#pragma once

#include <tbb/global_control.h>

#include <memory>
#include <string>

#include "runner/trial_executor.h"

namespace sweep {

class TrialResources;

// Megabytes of frozen features a worker keeps in memory by default.
constexpr int kDefaultFeatureMemoryMb = 1024;

class LocalExecutor : public TrialExecutor {
 public:
  // Sets LibTorch's intra-op threads and oneTBB's parallelism for this process
  // to `threads`. `feature_memory_mb`: the feature cache's memory budget; 0
  // turns the cache off (frozen blocks then run in every training step).
  LocalExecutor(const std::string& device, int threads, const std::string& cache_dir,
                int feature_memory_mb = kDefaultFeatureMemoryMb);
  ~LocalExecutor() override;

  PretrainedRecord prepare_backbone(const BackboneSpec& backbone,
                                    TrainingObserver& observer) override;
  TransferMeasure measure(const BackboneSpec& backbone, const TargetSpec& target,
                          const ProbeSettings& probes, TrainingObserver& observer) override;
  TrialResult run(const TrialSpec& trial, TrainingObserver& observer) override;
  // Sets LibTorch's intra-op threads and oneTBB's parallelism anew.
  void use_threads(int threads) override;

 private:
  int threads_;
  std::unique_ptr<tbb::global_control> parallelism_;
  std::unique_ptr<TrialResources> resources_;
};

}  // namespace sweep
