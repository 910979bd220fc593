#include "experiments/train/measure.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/identity.h"
#include "experiments/data/split.h"
#include "experiments/train/probe.h"
#include "experiments/train/probe_curve.h"
#include "experiments/train/transferability.h"

namespace sweep {
namespace {

// At most kMeasureSample images of the set, drawn with a fixed seed.
ImageSet sample(const ImageSet& set) {
  std::vector<size_t> order(set.size());
  std::iota(order.begin(), order.end(), size_t{0});
  seeded_shuffle(order, /*seed=*/12345);
  order.resize(std::min<size_t>(order.size(), kMeasureSample));
  return select(set, order);
}

}  // namespace

TransferMeasure measure_transfer(const BackboneSpec& backbone_spec, const TargetSpec& target,
                                 const TrainingRecipe& recipe, const std::vector<double>& lrs,
                                 TrialResources& resources, TrainingObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  const PretrainedBackbone& pretrained = resources.backbone(backbone_spec, observer);
  std::unique_ptr<Backbone> backbone = pretrained.backbone->clone();
  const InputSpec& input = backbone->input();
  observer.progress(0.1, "measuring " + target.name);
  const TargetData& target_data = resources.target_data(target, input.channels, input.size);
  const ImageSet target_images = sample(target_data.train);
  const TensorSet target_features =
      extract_features(*backbone, to_tensors(target_images, input, resources.device()));
  // A TorchScript backbone comes without the images it learnt from: no distance.
  ImageSet source;
  double frechet = std::nan("");
  if (!backbone_spec.is_torchscript()) {
    source = sample(resources.source_data(backbone_spec.pretrain, input.channels, input.size).test);
    const TensorSet source_features =
        extract_features(*backbone, to_tensors(source, input, resources.device()));
    frechet = frechet_distance(source_features.images, target_features.images);
  }
  TransferMeasure m;
  m.pretrain_key = pretrain_key(backbone_spec);
  m.target_key = target_key(target);
  m.backbone = backbone_spec.name;
  m.target = target.name;
  m.logme = logme(target_features.images, target_features.labels);
  m.frechet = frechet;
  m.source_images = static_cast<int>(source.size());
  m.target_images = static_cast<int>(target_images.size());
  m.skipped_images = target_data.skipped;
  InputSpec trained_input = input;
  if (recipe.image_size > 0) trained_input.size = recipe.image_size;
  const TargetTensors& splits = resources.target_tensors(target, trained_input);
  ProgressSpan curve_progress(observer, 0.2, 0.8);
  m.curve = probe_curve(*backbone, splits.train, splits.val, recipe, lrs, curve_progress);
  m.probe_key = probe_key(recipe, lrs);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  observer.progress(1.0, "measured " + target.name);
  return m;
}

}  // namespace sweep
