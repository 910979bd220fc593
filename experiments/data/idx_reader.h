// Reader for the IDX format of (Fashion-)MNIST, gzip-compressed or not.
// http://yann.lecun.com/exdb/mnist/ describes the layout: a big-endian magic
// number whose low byte is the rank, the sizes, then the data.
#pragma once

#include <string>

#include "experiments/data/image_set.h"

namespace sweep {

// Images from an idx3-ubyte file and labels from the matching idx1-ubyte file.
// Throws InputError naming the file when it is missing, truncated or not IDX.
ImageSet read_idx(const std::string& images_path, const std::string& labels_path,
                  std::vector<std::string> class_names);

}  // namespace sweep
