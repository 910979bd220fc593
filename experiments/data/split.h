// Seeded, per-class sampling of disjoint train / validation / test splits. Pure;
// the same labels, sizes and seed give the same indices on every platform (the
// shuffle uses mt19937_64, whose output the C++ standard fixes, and no library
// distribution).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace sweep {

struct SplitSizes {
  std::optional<int> train;  // per class; unset = every image left after val and test
  int val = 0;
  int test = 0;
};

struct SplitIndices {
  std::vector<size_t> train, val, test;
};

// `pool_labels` holds the label of each image of the pool. When `test_labels` is
// given, test indices index that separate test pool; otherwise test images come
// out of the pool too. Classes run 0 .. num_classes-1. Sizes must fit (the caller
// validates budgets; an assert guards it). Within a split, images are grouped by
// class in class order, each class in shuffled order.
SplitIndices split_per_class(const std::vector<int>& pool_labels,
                             const std::vector<int>* test_labels, int num_classes,
                             const SplitSizes& sizes, uint64_t seed);

// Fisher-Yates shuffle with mt19937_64 seeded by `seed`.
void seeded_shuffle(std::vector<size_t>& items, uint64_t seed);

}  // namespace sweep
