// Opening the datasets a DataSpec names: where they live, whether they are there,
// and their images with every class. Thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"
#include "experiments/data/image_set.h"

namespace sweep {

// The spec's path, or the catalog's default location.
std::string dataset_path(const DataSpec& data);

// The images of a dataset, every class, labels as the dataset numbers them.
struct DatasetPools {
  ImageSet pool;                      // train and validation are drawn from here
  std::optional<ImageSet> test_pool;  // a separate test set, when the dataset has one
  std::vector<std::string> skipped;   // image-folder files that did not decode
};

// Built-in datasets come at their native size; image-folder images are decoded
// straight to `channels` x `size` x `size`, through the decoded-image cache in
// `cache_dir` (none when empty). Throws InputError for missing files.
DatasetPools load_pools(const DataSpec& data, int channels, int size, const std::string& cache_dir);

// Checks that the dataset is on disk and is what it claims: a built-in one by
// reading it whole, an image folder by decoding every image of the selected
// classes (JPEGs at an eighth of their size); that its classes exist and hold
// at least `need_per_class` images that decode (0 = no minimum). `path` is the
// JSON path of the object holding the data spec. `read` holds the built-in
// datasets' folders read so far: each is read once, however many sources and
// targets name it. What an image folder passes over (files of other types,
// hidden ones, images that do not decode) is said per class in `notes`.
void check_dataset(const DataSpec& data, int need_per_class, const std::string& path,
                   Diagnostics& diag, std::set<std::string>& read, std::vector<std::string>& notes);

// The images of the selected classes (ids into the dataset's classes), relabelled
// 0..k-1 in the order given. Empty `ids` keeps every class.
ImageSet keep_classes(const ImageSet& set, const std::vector<int>& ids);

// The class ids a DataSpec selects in a dataset with these class names.
std::vector<int> selected_class_ids(const DataSpec& data,
                                    const std::vector<std::string>& dataset_classes);

}  // namespace sweep
