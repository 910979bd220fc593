// Whether the cache folder's disk holds what a run will write there (CachePlan,
// worked out by experiments/train/cache_plan.h), said before the first trial,
// so that a full disk stops the run with a reason instead of failing trials one
// by one. Pure: the free space comes in as a number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/records.h"

namespace sweep {

// "about 1.2 GB of frozen features (4 entries) and 150 MB of decoded images";
// "nothing" when the plan writes nothing.
std::string describe_cache_plan(const CachePlan& plan);

// Nothing when the plan fits in `available` bytes free on the disk of
// `cache_dir` plus `held`, the bytes its cache folders hold already (the feature
// cache drops old entries to make room, and entries this run reuses are among
// them), with a margin of a twentieth. Otherwise the stop, in words that say
// what to do.
std::optional<std::string> cache_room_problem(const CachePlan& plan, const std::string& cache_dir,
                                              int64_t available, int64_t held);

}  // namespace sweep
