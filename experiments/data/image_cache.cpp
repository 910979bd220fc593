#include "experiments/data/image_cache.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/file_write.h"
#include "core/sha256.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char kMagic[] = "SWEEPIMG1\n";

void write_entry(const std::string& path, const DecodedFolder& folder) {
  const ImageSet& images = folder.images;
  const json header = {{"channels", images.channels},
                       {"height", images.height},
                       {"width", images.width},
                       {"count", images.size()},
                       {"class_names", images.class_names},
                       {"skipped", folder.skipped}};
  const std::vector<int32_t> labels(images.labels.begin(), images.labels.end());
  try {
    write_file(real_system(), path, [&](std::ostream& out) {
      out << kMagic << header.dump() << '\n';
      out.write(reinterpret_cast<const char*>(labels.data()),
                static_cast<std::streamsize>(labels.size() * sizeof(int32_t)));
      out.write(reinterpret_cast<const char*>(images.pixels.data()),
                static_cast<std::streamsize>(images.pixels.size()));
    });
  } catch (const RuntimeError& e) {
    // A cache that cannot be written only costs time.
    std::fprintf(stderr, "sweep: image cache not kept: %s\n", e.what());
  }
}

std::optional<DecodedFolder> read_entry(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string magic(sizeof kMagic - 1, '\0');
  std::string header_line;
  if (!in.read(magic.data(), static_cast<std::streamsize>(magic.size())) || magic != kMagic ||
      !std::getline(in, header_line)) {
    return std::nullopt;
  }
  try {
    const json header = json::parse(header_line);
    DecodedFolder folder;
    ImageSet& images = folder.images;
    images.channels = header.at("channels").get<int>();
    images.height = header.at("height").get<int>();
    images.width = header.at("width").get<int>();
    images.class_names = header.at("class_names").get<std::vector<std::string>>();
    folder.skipped = header.at("skipped").get<std::vector<std::string>>();
    const auto count = header.at("count").get<size_t>();
    std::vector<int32_t> labels(count);
    images.pixels.resize(count * images.image_bytes());
    in.read(reinterpret_cast<char*>(labels.data()),
            static_cast<std::streamsize>(count * sizeof(int32_t)));
    in.read(reinterpret_cast<char*>(images.pixels.data()),
            static_cast<std::streamsize>(images.pixels.size()));
    if (!in) return std::nullopt;
    images.labels.assign(labels.begin(), labels.end());
    return folder;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string folder_cache_key(const FolderIndex& index, int channels, int size) {
  std::string listing = index.root + "\n" + std::to_string(channels) + "x" + std::to_string(size);
  for (const FolderClass& cls : index.classes) {
    listing += "\n" + cls.name;
    for (const std::string& file : cls.files) {
      struct stat info {};
      ::stat(file.c_str(), &info);
      listing += "\n" + file + " " + std::to_string(info.st_size) + " " +
                 std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
    }
  }
  return sha256_hex(listing).substr(0, 24);
}

DecodedFolder decode_image_folder_cached(const FolderIndex& index, int channels, int size,
                                         bool strict, const std::string& cache_dir) {
  std::string entry;
  if (!cache_dir.empty()) {
    const fs::path dir = fs::path(cache_dir) / "images";
    std::error_code error;
    fs::create_directories(dir, error);
    entry = (dir / (folder_cache_key(index, channels, size) + ".bin")).string();
    if (auto cached = read_entry(entry)) {
      if (strict && !cached->skipped.empty()) {
        throw InputError(cached->skipped.front() + " (strict mode)");
      }
      return std::move(*cached);
    }
  }
  DecodedFolder decoded = decode_image_folder(index, channels, size, strict);
  if (!entry.empty()) write_entry(entry, decoded);
  return decoded;
}

}  // namespace sweep
