#include "experiments/data/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "core/errors.h"

namespace sweep {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads exactly `size` bytes; gzread also reads files that are not compressed.
void read_exactly(gzFile_s* file, void* out, size_t size, const std::string& path) {
  auto* bytes = static_cast<char*>(out);
  while (size > 0) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(size, 1u << 30));
    const int got = gzread(file, bytes, chunk);
    if (got <= 0) throw InputError(path + ": truncated or corrupt IDX file");
    bytes += got;
    size -= static_cast<size_t>(got);
  }
}

uint32_t read_u32(gzFile_s* file, const std::string& path) {
  unsigned char b[4];
  read_exactly(file, b, 4, path);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

// Opens the file and checks the magic number: unsigned bytes, `rank` dimensions.
GzFile open_idx(const std::string& path, uint32_t rank) {
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file) throw InputError(path + ": cannot open (does it exist?)");
  const uint32_t magic = read_u32(file.get(), path);
  if (magic != (0x0800u | rank)) {
    char hex[11];
    std::snprintf(hex, sizeof hex, "0x%08x", magic);
    throw InputError(path + ": not an IDX file of rank " + std::to_string(rank) +
                     " unsigned bytes (magic number " + hex + ")");
  }
  return file;
}

}  // namespace

ImageSet read_idx(const std::string& images_path, const std::string& labels_path,
                  std::vector<std::string> class_names) {
  ImageSet set;
  set.class_names = std::move(class_names);
  GzFile images = open_idx(images_path, 3);
  const uint32_t count = read_u32(images.get(), images_path);
  set.height = static_cast<int>(read_u32(images.get(), images_path));
  set.width = static_cast<int>(read_u32(images.get(), images_path));
  set.pixels.resize(static_cast<size_t>(count) * set.image_bytes());
  read_exactly(images.get(), set.pixels.data(), set.pixels.size(), images_path);

  GzFile labels = open_idx(labels_path, 1);
  const uint32_t label_count = read_u32(labels.get(), labels_path);
  if (label_count != count) {
    throw InputError(labels_path + ": " + std::to_string(label_count) + " labels for " +
                     std::to_string(count) + " images in " + images_path);
  }
  std::vector<uint8_t> raw(count);
  read_exactly(labels.get(), raw.data(), raw.size(), labels_path);
  set.labels.assign(raw.begin(), raw.end());
  for (int label : set.labels) {
    if (label >= set.num_classes()) {
      throw InputError(labels_path + ": label " + std::to_string(label) + " but only " +
                       std::to_string(set.num_classes()) + " classes");
    }
  }
  return set;
}

}  // namespace sweep
