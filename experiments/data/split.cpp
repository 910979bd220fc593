#include "experiments/data/split.h"

#include <cassert>
#include <random>

namespace sweep {
namespace {

// Indices of each class, in pool order.
std::vector<std::vector<size_t>> by_class(const std::vector<int>& labels, int num_classes) {
  std::vector<std::vector<size_t>> groups(static_cast<size_t>(num_classes));
  for (size_t i = 0; i < labels.size(); ++i) groups.at(static_cast<size_t>(labels[i])).push_back(i);
  return groups;
}

void take(std::vector<size_t>& from, size_t& cursor, size_t count, std::vector<size_t>& to) {
  assert(cursor + count <= from.size() && "split sizes exceed the class");
  to.insert(to.end(), from.begin() + static_cast<long>(cursor),
            from.begin() + static_cast<long>(cursor + count));
  cursor += count;
}

}  // namespace

void seeded_shuffle(std::vector<size_t>& items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = items.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(items[i - 1], items[j]);
  }
}

SplitIndices split_per_class(const std::vector<int>& pool_labels,
                             const std::vector<int>* test_labels, int num_classes,
                             const SplitSizes& sizes, uint64_t seed) {
  auto pool = by_class(pool_labels, num_classes);
  std::vector<std::vector<size_t>> tests;
  if (test_labels) tests = by_class(*test_labels, num_classes);
  SplitIndices out;
  for (size_t c = 0; c < pool.size(); ++c) {
    // A distinct stream per class and pool, so that one class's size does not
    // change which images another class gets.
    seeded_shuffle(pool[c], seed * 1000003u + 2 * c);
    size_t cursor = 0;
    if (test_labels) {
      seeded_shuffle(tests[c], seed * 1000003u + 2 * c + 1);
      size_t test_cursor = 0;
      take(tests[c], test_cursor, static_cast<size_t>(sizes.test), out.test);
    } else {
      take(pool[c], cursor, static_cast<size_t>(sizes.test), out.test);
    }
    take(pool[c], cursor, static_cast<size_t>(sizes.val), out.val);
    const size_t train = sizes.train ? static_cast<size_t>(*sizes.train) : pool[c].size() - cursor;
    take(pool[c], cursor, train, out.train);
  }
  return out;
}

}  // namespace sweep
