// Writers for small dataset files in the formats sweep reads, so that reader
// tests do not depend on installed packages.
#pragma once

#include <string>
#include <vector>

namespace sweep::testing {

// IDX image and label files, gzip-compressed. Image i is filled with the value
// (i * 7) % 256 and has label labels[i].
void write_idx_pair(const std::string& images_path, const std::string& labels_path, int rows,
                    int cols, const std::vector<int>& labels);

// A fashion-mnist folder: `per_class` training and `test_per_class` test images
// for each of 10 classes.
void write_fashion_folder(const std::string& root, int per_class, int test_per_class);

// A digits.png sheet: 100x50 cells of 20x20; each cell's pixels hold its row / 5.
void write_digits_png(const std::string& path);

// root/<class>/<i>.png, each image w x h filled with the class index * 40.
void write_image_folder(const std::string& root, const std::vector<std::string>& classes,
                        int per_class, int size);

}  // namespace sweep::testing
