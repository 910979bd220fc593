// What a sweep will write into its cache folder, worked out before any trial
// runs, so that `sweep run` can say it and stop when the disk would not hold it
// (runner/cache_room.h). At 224 px a resnet18's frozen activations are 0.2 to
// 0.8 MB per image and boundary: a few thousand photos make gigabytes.
//
// Counted: the frozen-feature entries (feature_cache.h) of every trial that
// would use one (train, or each of its augmented views, validation and test of
// each backbone, target, freeze boundary and input size), and the decoded image
// folders (image_cache.h).
// Image counts are upper bounds (target_image_bound), and entries already on
// disk are counted again: a run is overestimated, never under.
#pragma once

#include <vector>

#include "core/records.h"
#include "core/sweep_spec.h"

namespace sweep {

// Loads each backbone's shape (its TorchScript file, or a built-in architecture
// without weights) and runs one image per freeze boundary through it; reads no
// data but the image folders' listings. `features`: whether the frozen-feature
// cache is on (--feature-memory above 0).
CachePlan plan_cache(const std::vector<TrialSpec>& trials, bool features);

}  // namespace sweep
