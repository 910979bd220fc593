#include "experiments/data/image_set.h"

#include <algorithm>
#include <cassert>

namespace sweep {

ImageSet select(const ImageSet& set, const std::vector<size_t>& indices) {
  ImageSet out;
  out.channels = set.channels;
  out.height = set.height;
  out.width = set.width;
  out.class_names = set.class_names;
  const size_t bytes = set.image_bytes();
  out.pixels.resize(indices.size() * bytes);
  out.labels.reserve(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    assert(indices[k] < set.size());
    std::copy_n(set.image(indices[k]), bytes, out.pixels.data() + k * bytes);
    out.labels.push_back(set.labels[indices[k]]);
  }
  return out;
}

std::vector<int> class_counts(const ImageSet& set) {
  std::vector<int> counts(set.class_names.size(), 0);
  for (int label : set.labels) ++counts.at(static_cast<size_t>(label));
  return counts;
}

}  // namespace sweep
