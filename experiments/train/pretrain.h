// Pretrained weights for built-in backbones. Each recipe (architecture and
// pretraining spec, see pretrain_key) is trained once and cached on disk as
// CACHE/pretrained/KEY.pt with KEY.json beside it (input normalisation, source
// accuracy, training time). Processes that need the same weights at the same
// time take turns through KEY.lock, so the weights are trained only once.
#pragma once

#include <memory>
#include <string>

#include "core/records.h"
#include "experiments/models/resnet.h"
#include "experiments/train/fit.h"

namespace sweep {

struct PretrainedBackbone {
  std::unique_ptr<Backbone> backbone;  // on the requested device, evaluation mode
  PretrainedRecord record;
  bool trained_now = false;  // false when the weights came from the cache
};

// The weights for `spec` from `cache_dir`, training them first on `device` if
// they are not there. Throws InputError if the source data is missing.
PretrainedBackbone load_or_pretrain(const BackboneSpec& spec, const std::string& cache_dir,
                                    const torch::Device& device, TrainingObserver& observer);

// "fashion-mnist classes 0,1,2 (1000 per class)": where a backbone learnt.
std::string describe_source(const PretrainSpec& source);

}  // namespace sweep
