#include "experiments/data/target_data.h"

#include <set>

#include <algorithm>

#include "core/catalog.h"
#include "core/errors.h"
#include "core/image_folder_index.h"
#include "experiments/data/datasets.h"
#include "experiments/data/image_convert.h"
#include "experiments/data/shift.h"
#include "experiments/data/split.h"

namespace sweep {
namespace {

constexpr int kSourceHeldOut = 200;
constexpr int kSourceTestPerClass = 500;

int smallest_class(const ImageSet& set) {
  const auto counts = class_counts(set);
  return counts.empty() ? 0 : *std::min_element(counts.begin(), counts.end());
}

// The classes the spec selects, then the split, then the backbone's input shape.
TargetData load_split(const DataSpec& data, SplitSizes sizes, int sample_seed, int channels,
                      int size, bool held_out_from_rest, const std::string& cache_dir) {
  DatasetPools pools = load_pools(data, channels, size, cache_dir);
  const std::vector<int> ids = selected_class_ids(data, pools.pool.class_names);
  ImageSet pool = keep_classes(pools.pool, ids);
  std::optional<ImageSet> test_pool;
  if (pools.test_pool) test_pool = keep_classes(*pools.test_pool, ids);

  const int per_class = smallest_class(pool);
  if (held_out_from_rest && !test_pool) {
    sizes.test = std::clamp(per_class - sizes.train.value_or(0), 0, kSourceHeldOut);
  } else if (held_out_from_rest) {
    sizes.test = std::min(kSourceTestPerClass, smallest_class(*test_pool));
  }
  const int need = sizes.train.value_or(1) + sizes.val + (test_pool ? 0 : sizes.test);
  if (per_class < need) {
    throw InputError(dataset_path(data) + ": a class has only " + std::to_string(per_class) +
                     " usable images, but the splits need " + std::to_string(need) + " per class" +
                     (pools.skipped.empty() ? ""
                                            : " (" + std::to_string(pools.skipped.size()) +
                                                  " images did not decode)"));
  }
  const SplitIndices split =
      split_per_class(pool.labels, test_pool ? &test_pool->labels : nullptr, pool.num_classes(),
                      sizes, static_cast<uint64_t>(sample_seed));
  TargetData out;
  out.train = convert_images(select(pool, split.train), channels, size);
  out.val = convert_images(select(pool, split.val), channels, size);
  out.test = convert_images(select(test_pool ? *test_pool : pool, split.test), channels, size);
  out.skipped = std::move(pools.skipped);
  return out;
}

int images_needed(const TargetSpec& target) {
  return target.train_per_class.value_or(1) + target.val_per_class + target.test_per_class;
}

}  // namespace

TargetData load_target(const TargetSpec& target, int channels, int size,
                       const std::string& cache_dir) {
  SplitSizes sizes{target.train_per_class, target.val_per_class, target.test_per_class};
  TargetData out =
      load_split(target.data, sizes, target.sample_seed, channels, size, false, cache_dir);
  if (target.shift.empty()) return out;
  std::vector<ImageSet> blends(target.shift.size());
  for (size_t k = 0; k < target.shift.size(); ++k) {
    if (target.shift[k].kind != ShiftKind::kMix) continue;
    const DataSpec& other = target.shift[k].mix;
    const ImageSet pool = load_pools(other, channels, size, cache_dir).pool;
    blends[k] = convert_images(keep_classes(pool, selected_class_ids(other, pool.class_names)),
                               channels, size);
  }
  const auto seed = static_cast<uint64_t>(target.sample_seed);
  apply_shift(target.shift, blends, seed, 0, out.train);
  apply_shift(target.shift, blends, seed, 1, out.val);
  apply_shift(target.shift, blends, seed, 2, out.test);
  return out;
}

ImageBound target_image_bound(const TargetSpec& target) {
  const DataSpec& data = target.data;
  // Images per selected class in the pool, and whether test has its own pool.
  std::vector<int64_t> pools;
  bool separate_test = false;
  if (data.kind == DatasetKind::kImageFolder) {
    for (const FolderClass& c : scan_image_folder(dataset_path(data)).classes) {
      if (is_chosen_class(data.class_names, c.name))
        pools.push_back(static_cast<int64_t>(c.files.size()));
    }
  } else {
    const DatasetInfo& info = *builtin_dataset(data.kind);
    const size_t classes = data.class_ids.empty() ? info.class_names.size() : data.class_ids.size();
    pools.assign(classes, info.pool_per_class);
    separate_test = info.test_pool_per_class > 0;
  }
  const int64_t test = target.test_per_class;
  ImageBound bound;
  for (const int64_t pool : pools) {
    const int64_t from_pool =
        target.train_per_class
            ? std::min<int64_t>(
                  pool, *target.train_per_class + target.val_per_class + (separate_test ? 0 : test))
            : pool;
    bound.images += from_pool + (separate_test ? test : 0);
    const int64_t left = pool - target.val_per_class - (separate_test ? 0 : test);
    bound.train += target.train_per_class ? std::min<int64_t>(pool, *target.train_per_class)
                                          : std::max<int64_t>(0, left);
  }
  return bound;
}

TargetData load_source(const PretrainSpec& source, int channels, int size,
                       const std::string& cache_dir) {
  SplitSizes sizes{source.per_class, 0, 0};
  return load_split(source.data, sizes, source.seed, channels, size, true, cache_dir);
}

void check_sweep_data(const SweepSpec& spec, Diagnostics& diag, std::vector<std::string>& notes) {
  std::set<std::string> read;
  std::set<std::string> checked;  // JSON paths of the targets' entries and steps
  for (size_t i = 0; i < spec.backbones.size(); ++i) {
    if (spec.backbones[i].is_torchscript()) continue;  // pretrained elsewhere
    const std::string path = json_pointer_child(json_pointer_child("/backbones", i), "pretrain");
    const PretrainSpec& source = spec.backbones[i].pretrain;
    check_dataset(source.data, source.per_class + 1, path, diag, read, notes);
  }
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    const TargetSpec& target = spec.targets[i];
    // A ladder's levels share their entry's data and mixed-in datasets: each is checked once.
    const std::string path = target_path(spec, i);
    if (checked.insert(path).second)
      check_dataset(target.data, images_needed(target), path, diag, read, notes);
    for (size_t k = 0; k < target.shift.size(); ++k) {
      const std::string step = json_pointer_child(json_pointer_child(path, "shift"), k);
      if (target.shift[k].kind == ShiftKind::kMix && checked.insert(step).second) {
        check_dataset(target.shift[k].mix, 1, step, diag, read, notes);
      }
    }
  }
}

}  // namespace sweep
