#include "experiments/data/datasets.h"

#include <algorithm>

#include <tbb/parallel_for.h>
#include <opencv2/imgcodecs.hpp>

#include "core/catalog.h"
#include "core/content_digest.h"
#include "core/errors.h"
#include "core/path_kind.h"
#include "experiments/data/digits_reader.h"
#include "experiments/data/idx_reader.h"
#include "experiments/data/image_cache.h"
#include "experiments/data/image_folder.h"
#include "experiments/data/quiet_stderr.h"

namespace sweep {
namespace {

// The one file whose absence best explains that a built-in dataset is missing.
std::optional<std::string> missing_file(const DataSpec& data) {
  for (const std::string& file : builtin_data_files(data)) {
    if (path_kind(file) == PathKind::kMissing) return file;
  }
  return std::nullopt;
}

// What to do about a built-in dataset that is missing or unreadable: fix the
// "path" the sweep file gave, or install the package.
std::string install_hint(const DataSpec& data) {
  if (!data.path.empty()) {
    return "check \"path\", or drop it to use the installed copy in " +
           builtin_dataset(data.kind)->default_path;
  }
  const DatasetKind kind = data.kind;
  if (kind == DatasetKind::kOpencvDigits) {
    return "install the Debian package opencv-doc; on minimal images that drop /usr/share/doc, "
           "see \"digits.png\" in the README; or set \"path\"";
  }
  return "install the Debian package " + builtin_dataset(kind)->package + ", or set \"path\"";
}

// Whether the file decodes as a PNG or JPEG: its header, then the whole file
// at an eighth of its size (a JPEG decodes that way several times faster; a
// truncated or damaged file fails either way).
bool decodes(const std::string& file) {
  try {
    return cv::haveImageReader(file) && !cv::imread(file, cv::IMREAD_REDUCED_GRAYSCALE_8).empty();
  } catch (const cv::Exception&) {
    return false;
  }
}

// Those of `files` that do not decode, decoded in parallel without the codecs'
// own complaints on stderr.
std::vector<SkippedFile> undecodable(const std::vector<std::string>& files) {
  std::vector<char> ok(files.size(), 0);
  const QuietStderr quiet;
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) { ok[i] = decodes(files[i]) ? 1 : 0; });
  std::vector<SkippedFile> failed;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!ok[i]) failed.push_back({files[i], SkipReason::kNotDecoded});
  }
  return failed;
}

void check_folder(const DataSpec& data, int need_per_class, const std::string& path,
                  Diagnostics& diag, std::vector<std::string>& notes) {
  FolderIndex index;
  try {
    index = scan_image_folder(data.path);
  } catch (const InputError& e) {
    diag.error(json_pointer_child(path, "path"), e.lines().at(0));
    return;
  }
  std::vector<std::string> names;
  for (const auto& cls : index.classes) names.push_back(cls.name);
  if (index.classes.size() < 2) {
    diag.error(json_pointer_child(path, "path"),
               data.path + " has " + std::to_string(index.classes.size()) +
                   " class folder(s); an image-folder dataset needs at least two");
    return;
  }
  for (size_t i = 0; i < data.class_names.size(); ++i) {
    if (std::find(names.begin(), names.end(), data.class_names[i]) != names.end()) continue;
    std::string message = "no class folder " + quote(data.class_names[i]) + " in " + data.path;
    if (auto near = closest_match(data.class_names[i], names)) {
      message += "; did you mean " + quote(*near) + "?";
    }
    diag.error(json_pointer_child(json_pointer_child(path, "classes"), i), message);
  }
  for (const auto& cls : index.classes) {
    if (!is_chosen_class(data.class_names, cls.name)) continue;
    std::vector<SkippedFile> skipped = cls.skipped;
    const std::vector<SkippedFile> failed = undecodable(cls.files);
    skipped.insert(skipped.end(), failed.begin(), failed.end());
    const int images = static_cast<int>(cls.files.size() - failed.size());
    const int others = static_cast<int>(failed.size());
    const std::string not_images =
        others == 0 ? ""
                    : " (and " + std::to_string(others) +
                          (others == 1 ? " file that does" : " files that do") + " not decode)";
    if (!skipped.empty()) {
      notes.push_back(json_pointer_child(path, "path") + ": class " + quote(cls.name) + ": " +
                      describe_skipped(skipped, data.path));
    }
    if (cls.files.empty()) {
      diag.error(json_pointer_child(path, "path"),
                 "class folder " + quote(cls.name) + " in " + data.path +
                     " holds no images (.jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif, .tiff, .webp)");
    } else if (images == 0) {
      diag.error(json_pointer_child(path, "path"),
                 "class folder " + quote(cls.name) + " in " + data.path + " holds " +
                     std::to_string(others) + " image files, none of which decodes");
    } else if (images < need_per_class) {
      diag.error(json_pointer_child(path, "path"),
                 "class " + quote(cls.name) + " has " + std::to_string(images) + " images" +
                     not_images + ", but the splits need " + std::to_string(need_per_class) +
                     " per class; lower the per-class counts or add images");
    }
  }
}

}  // namespace

std::string dataset_path(const DataSpec& data) {
  if (!data.path.empty() || data.kind == DatasetKind::kImageFolder) return data.path;
  return builtin_dataset(data.kind)->default_path;
}

DatasetPools load_pools(const DataSpec& data, int channels, int size,
                        const std::string& cache_dir) {
  DatasetPools pools;
  const std::string root = dataset_path(data);
  switch (data.kind) {
    case DatasetKind::kFashionMnist: {
      const auto& names = builtin_dataset(data.kind)->class_names;
      const std::vector<std::string> files = builtin_data_files(data);
      pools.pool = read_idx(files.at(0), files.at(1), names);
      pools.test_pool = read_idx(files.at(2), files.at(3), names);
      break;
    }
    case DatasetKind::kOpencvDigits:
      pools.pool = read_digits_png(root);
      break;
    case DatasetKind::kImageFolder: {
      DecodedFolder decoded = decode_image_folder_cached(scan_image_folder(root), channels, size,
                                                         data.strict, cache_dir);
      pools.pool = std::move(decoded.images);
      pools.skipped = std::move(decoded.skipped);
      break;
    }
  }
  return pools;
}

void check_dataset(const DataSpec& data, int need_per_class, const std::string& path,
                   Diagnostics& diag, std::set<std::string>& read,
                   std::vector<std::string>& notes) {
  if (data.kind == DatasetKind::kImageFolder) {
    check_folder(data, need_per_class, path, diag, notes);
    return;
  }
  if (auto missing = missing_file(data)) {
    diag.error(json_pointer_child(path, "dataset"), std::string(dataset_name(data.kind)) +
                                                        " not found: " + *missing +
                                                        " does not exist; " + install_hint(data));
    return;
  }
  // Read here (a few tenths of a second), so that a file that is there but is
  // not what it claims is bad input now rather than the failure of every trial.
  if (!read.insert(dataset_path(data)).second) return;
  try {
    load_pools(data, 0, 0, "");
  } catch (const InputError& e) {
    diag.error(json_pointer_child(path, "dataset"), std::string(dataset_name(data.kind)) +
                                                        " unreadable: " + e.lines().at(0) + "; " +
                                                        install_hint(data));
  }
}

ImageSet keep_classes(const ImageSet& set, const std::vector<int>& ids) {
  if (ids.empty()) return set;
  std::vector<int> new_label(set.class_names.size(), -1);
  for (size_t k = 0; k < ids.size(); ++k)
    new_label.at(static_cast<size_t>(ids[k])) = static_cast<int>(k);
  std::vector<size_t> indices;
  for (size_t i = 0; i < set.size(); ++i) {
    if (new_label[static_cast<size_t>(set.labels[i])] >= 0) indices.push_back(i);
  }
  ImageSet out = select(set, indices);
  for (int& label : out.labels) label = new_label[static_cast<size_t>(label)];
  out.class_names.clear();
  for (int id : ids) out.class_names.push_back(set.class_names.at(static_cast<size_t>(id)));
  return out;
}

std::vector<int> selected_class_ids(const DataSpec& data,
                                    const std::vector<std::string>& dataset_classes) {
  if (data.kind != DatasetKind::kImageFolder) return data.class_ids;
  std::vector<int> ids;
  for (const auto& name : data.class_names) {
    auto it = std::find(dataset_classes.begin(), dataset_classes.end(), name);
    if (it == dataset_classes.end())
      throw InputError(data.path + ": no class folder " + quote(name));
    ids.push_back(static_cast<int>(it - dataset_classes.begin()));
  }
  return ids;
}

}  // namespace sweep
