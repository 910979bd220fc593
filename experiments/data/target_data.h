// The images a trial trains and is judged on: a target's (or a pretraining
// source's) disjoint train / validation / test splits, at the backbone's input
// shape. The split depends only on the data spec, the sizes and the sample seed,
// so every trial of a target sees the same images. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"
#include "experiments/data/image_set.h"

namespace sweep {

struct TargetData {
  ImageSet train, val, test;
  std::vector<std::string> skipped;  // image-folder files that did not decode
};

// Throws InputError when the data is missing or too small (after skipping images
// that do not decode).
// `cache_dir` holds decoded image folders for later loads; empty = no cache.
TargetData load_target(const TargetSpec& target, int channels, int size,
                       const std::string& cache_dir = "");

// A pretraining source: `per_class` training images per class and a held-out test
// split for the source accuracy (the dataset's own test set when it has one, else
// what is left of the pool, up to 200 per class). No validation split.
TargetData load_source(const PretrainSpec& source, int channels, int size,
                       const std::string& cache_dir = "");

// At most how many images the target's splits hold, from the catalog or the
// folder's listing, without decoding anything: per selected class the split
// sizes, a training split of "everything left" counted as the class's whole
// pool. What the caches' disk estimate (experiments/train/cache_plan.h) counts.
struct ImageBound {
  int64_t images = 0;  // in the three splits
  int64_t train = 0;   // of them, in the training split (what the pool leaves, when unset)
};
ImageBound target_image_bound(const TargetSpec& target);

// Checks that every dataset the sweep names is on disk, decodes and is large
// enough (see check_dataset); reports with the JSON path of the target or
// backbone. What image folders pass over is said in `notes`, a line per class.
void check_sweep_data(const SweepSpec& spec, Diagnostics& diag, std::vector<std::string>& notes);

}  // namespace sweep
