// A disk cache of decoded image folders. Decoding thousands of JPEGs takes longer
// than a small trial, so each folder is decoded once per (content, channels,
// size) and read back by later trials and later runs. The key covers every
// file's path, size and modification time, so a changed folder is decoded again.
// Entries are written atomically; concurrent writers of one entry are harmless.
#pragma once

#include <optional>
#include <string>

#include "experiments/data/image_folder.h"

namespace sweep {

std::string folder_cache_key(const FolderIndex& index, int channels, int size);

// Decodes the folder, or reads it from CACHE_DIR/images/KEY.bin when an earlier
// decode left it there. An empty `cache_dir` decodes every time. In strict mode
// an undecodable image throws InputError, cached or not.
DecodedFolder decode_image_folder_cached(const FolderIndex& index, int channels, int size,
                                         bool strict, const std::string& cache_dir);

}  // namespace sweep
