// Running one trial: pretrained backbone + target data -> a trained model and
// its measured result. TrialResources keeps what the trials of one process
// share (the device, loaded datasets, pretrained backbones), so a process that
// runs many trials loads each only once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/records.h"
#include "experiments/data/target_data.h"
#include "experiments/train/fit.h"
#include "experiments/train/pretrain.h"

namespace sweep {

class TrialResources {
 public:
  TrialResources(torch::Device device, std::string cache_dir);

  const torch::Device& device() const { return device_; }
  const std::string& cache_dir() const { return cache_dir_; }
  // Loaded once per (target, shape) and kept.
  const TargetData& target_data(const TargetSpec& target, int channels, int size);
  // A pretraining source's images, loaded once per (source, shape) and kept.
  const TargetData& source_data(const PretrainSpec& source, int channels, int size);
  // Loaded (or pretrained) once per recipe and kept; trials clone it.
  const PretrainedBackbone& backbone(const BackboneSpec& spec, TrainingObserver& observer);

 private:
  torch::Device device_;
  std::string cache_dir_;
  std::map<std::string, TargetData> targets_;
  std::map<std::string, TargetData> sources_;
  std::map<std::string, PretrainedBackbone> backbones_;
};

// Trains and evaluates the trial. A diverged trial returns normally with
// diverged set. Throws InputError for missing data, Interrupted when the
// observer asks to stop.
TrialResult run_trial(const TrialSpec& trial, TrialResources& resources,
                      TrainingObserver& observer);

}  // namespace sweep
