// Decoding a dataset in the torchvision ImageFolder layout, listed by
// scan_image_folder (core/image_folder_index.h), with OpenCV. Thread-safe;
// decoding runs in parallel on oneTBB.
#pragma once

#include <string>
#include <vector>

#include "core/image_folder_index.h"
#include "experiments/data/image_set.h"

namespace sweep {

struct DecodedFolder {
  ImageSet images;
  std::vector<std::string> skipped;  // "PATH: why", for files that did not decode
};

// Decodes every file of `index` to `channels` channels and size x size pixels
// (see fit_image). Files that do not decode are skipped and listed, unless
// `strict`, in which case the first one throws InputError.
DecodedFolder decode_image_folder(const FolderIndex& index, int channels, int size, bool strict);

}  // namespace sweep
