#include "experiments/train/cache_plan.h"

#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "core/catalog.h"
#include "core/image_folder_index.h"
#include "core/strategy.h"
#include "experiments/data/datasets.h"
#include "experiments/data/target_data.h"
#include "experiments/models/resnet.h"
#include "experiments/models/scripted_backbone.h"
#include "experiments/train/feature_cache.h"

namespace sweep {
namespace {

std::unique_ptr<Backbone> shape_of(const BackboneSpec& spec) {
  if (spec.is_torchscript()) return ScriptedBackbone::load(spec.torchscript);
  return std::make_unique<ResNetBackbone>(*find_builtin_arch(spec.arch), spec.width,
                                          InputSpec{spec.channels, spec.image_size, {}, {}});
}

// Whether the trial trains blocks on fixed augmented views (trial.cpp
// trainable_inputs), which the cache keeps beside validation and test.
bool trains_on_views(const TrialSpec& trial) {
  return first_trained_block(trial) < trial.blocks && trial.recipe.augment != AugmentKind::kNone &&
         trial.recipe.augment_views > 0;
}

// The freeze boundary whose output the trial takes from the cache, or 0 when it
// takes none: full fine-tunes freeze nothing, and trials that augment every step
// run their frozen blocks on every new view.
int cached_boundary(const TrialSpec& trial) {
  const int boundary = first_trained_block(trial);
  if (boundary < trial.blocks && trial.recipe.augment != AugmentKind::kNone &&
      !trains_on_views(trial))
    return 0;
  return boundary;
}

// The datasets a target decodes: its own and those a shift blends in.
std::vector<const DataSpec*> datasets_of(const TargetSpec& target) {
  std::vector<const DataSpec*> out{&target.data};
  for (const ShiftStep& step : target.shift) {
    if (step.kind == ShiftKind::kMix) out.push_back(&step.mix);
  }
  return out;
}

// Files in the whole folder, as the decoded-folder cache holds it.
int64_t folder_images(const DataSpec& data) {
  int64_t n = 0;
  for (const FolderClass& c : scan_image_folder(dataset_path(data)).classes)
    n += static_cast<int64_t>(c.files.size());
  return n;
}

}  // namespace

CachePlan plan_cache(const std::vector<TrialSpec>& trials, bool features) {
  CachePlan plan;
  std::map<std::string, std::unique_ptr<Backbone>> backbones;
  std::map<std::string, ImageBound> images;  // per target
  std::set<std::tuple<std::string, std::string, int, int>> entries;
  std::set<std::tuple<std::string, int, int>> folders;  // path, channels, size
  for (const TrialSpec& t : trials) {
    const int size = t.recipe.image_size > 0 ? t.recipe.image_size : t.backbone.image_size;
    for (const DataSpec* data : datasets_of(t.target)) {
      if (data->kind == DatasetKind::kImageFolder &&
          folders.emplace(dataset_path(*data), t.backbone.channels, size).second) {
        plan.image_bytes +=
            folder_images(*data) * t.backbone.channels * int64_t{size} * int64_t{size};
      }
    }
    const int boundary = cached_boundary(t);
    if (!features || boundary == 0 ||
        !entries.emplace(t.backbone.name, t.target.name, boundary, size).second) {
      continue;
    }
    auto& backbone = backbones[t.backbone.name];
    if (!backbone) {
      backbone = shape_of(t.backbone);
      backbone->set_training(false);
    }
    auto [bound, fresh] = images.try_emplace(t.target.name);
    if (fresh) bound->second = target_image_bound(t.target);
    const torch::Tensor one = torch::zeros({1, t.backbone.channels, size, size});
    std::vector<int64_t> shape = entry_shape(*backbone, boundary, one);
    // Each view of the training split is an entry beside validation and test.
    shape[0] = bound->second.images +
               (trains_on_views(t) ? (t.recipe.augment_views - 1) * bound->second.train : 0);
    plan.feature_bytes += entry_bytes(shape);
    ++plan.feature_entries;
  }
  return plan;
}

}  // namespace sweep
