// Measuring, before any training, how well a pretrained backbone suits a
// target: LogME of the frozen features of the target's training images, and the
// Fréchet distance between those features and the features of the backbone's
// held-out source images (see transferability.h); a TorchScript backbone has no
// source images with it, so its distance is NaN. Each side is a seeded sample of
// at most kMeasureSample images, the same on every run. And the probe curve
// (probe_curve.h) on the target's whole training and validation splits, with the
// probes trained as head-only trials train theirs under `recipe`, at each of `lrs`.
#pragma once

#include "core/records.h"
#include "experiments/train/trial.h"

namespace sweep {

constexpr int kMeasureSample = 1000;

TransferMeasure measure_transfer(const BackboneSpec& backbone, const TargetSpec& target,
                                 const TrainingRecipe& recipe, const std::vector<double>& lrs,
                                 TrialResources& resources, TrainingObserver& observer);

}  // namespace sweep
