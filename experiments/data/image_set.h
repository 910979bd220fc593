// A set of decoded images held as one contiguous uint8 buffer, NCHW, with a class
// label per image. Plain value type; not thread-safe for concurrent mutation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

struct ImageSet {
  int channels = 1;
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;           // size() * image_bytes(), image after image, NCHW
  std::vector<int> labels;               // 0 .. class_names.size()-1
  std::vector<std::string> class_names;  // label -> name

  size_t size() const { return labels.size(); }
  size_t image_bytes() const { return static_cast<size_t>(channels) * height * width; }
  const uint8_t* image(size_t i) const { return pixels.data() + i * image_bytes(); }
  int num_classes() const { return static_cast<int>(class_names.size()); }
};

// The images at `indices`, in that order, with the same classes.
ImageSet select(const ImageSet& set, const std::vector<size_t>& indices);

// Per-class counts of labels, index = label.
std::vector<int> class_counts(const ImageSet& set);

}  // namespace sweep
