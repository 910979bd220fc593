// Running one trial: pretrained backbone + target data -> a trained model and
// its measured result. TrialResources keeps what the trials of one process
// share (the device, loaded datasets, pretrained backbones), so a process that
// runs many trials loads each only once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/records.h"
#include "experiments/data/target_data.h"
#include "experiments/train/feature_cache.h"
#include "experiments/train/fit.h"
#include "experiments/train/pretrain.h"

namespace sweep {

// A target's splits as tensors on the device, at one input shape and
// normalisation, with a key that names their content.
struct TargetTensors {
  TensorSet train, val, test;
  std::string key;  // hash of the pixels, labels and preprocessing
};

class TrialResources {
 public:
  // `features`: the frozen-feature cache, or none to run frozen blocks in every
  // step; its empty dir means CACHE_DIR/features (memory only without a cache_dir).
  TrialResources(torch::Device device, std::string cache_dir,
                 std::optional<FeatureCacheOptions> features = FeatureCacheOptions{});

  const torch::Device& device() const { return device_; }
  const std::string& cache_dir() const { return cache_dir_; }
  // Loaded once per (target, shape) and kept.
  const TargetData& target_data(const TargetSpec& target, int channels, int size);
  // target_data() as normalised tensors on the device; made once and kept.
  const TargetTensors& target_tensors(const TargetSpec& target, const InputSpec& input);
  // Null when the feature cache is off.
  FeatureCache* feature_cache() { return features_ ? &*features_ : nullptr; }
  // A pretraining source's images, loaded once per (source, shape) and kept.
  const TargetData& source_data(const PretrainSpec& source, int channels, int size);
  // Loaded (or pretrained) once per recipe and kept; trials clone it.
  const PretrainedBackbone& backbone(const BackboneSpec& spec, TrainingObserver& observer);

 private:
  torch::Device device_;
  std::string cache_dir_;
  std::map<std::string, TargetData> targets_;
  std::map<std::string, TargetTensors> tensors_;
  std::optional<FeatureCache> features_;
  std::map<std::string, TargetData> sources_;
  std::map<std::string, PretrainedBackbone> backbones_;
};

// Trains and evaluates the trial. A diverged trial returns normally with
// diverged set. Throws InputError for missing data, Interrupted when the
// observer asks to stop.
TrialResult run_trial(const TrialSpec& trial, TrialResources& resources,
                      TrainingObserver& observer);

}  // namespace sweep
