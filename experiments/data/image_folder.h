// Datasets in the torchvision ImageFolder layout: root/<class>/<image>, with
// PNG or JPEG images that OpenCV decodes. Classes are the sub-folders, sorted by
// name. Thread-safe; decoding runs in parallel on oneTBB.
#pragma once

#include <string>
#include <vector>

#include "experiments/data/image_set.h"

namespace sweep {

struct FolderClass {
  std::string name;
  std::vector<std::string> files;  // sorted paths of .png/.jpg/.jpeg files
};

struct FolderIndex {
  std::string root;
  std::vector<FolderClass> classes;  // sorted by name
};

// Lists the class folders and their image files without decoding anything.
// Throws InputError when `root` is not a readable folder.
FolderIndex scan_image_folder(const std::string& root);

struct DecodedFolder {
  ImageSet images;
  std::vector<std::string> skipped;  // "PATH: why", for files that did not decode
};

// Decodes every file of `index` to `channels` channels and size x size pixels
// (see fit_image). Files that do not decode are skipped and listed, unless
// `strict`, in which case the first one throws InputError.
DecodedFolder decode_image_folder(const FolderIndex& index, int channels, int size, bool strict);

}  // namespace sweep
