#include "experiments/train/feature_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/file_write.h"
#include "core/sha256.h"
#include "experiments/train/file_lock.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kBatch = 256;
// An entry file: this many bytes of header (magic line, JSON line, padding),
// then the float32 values. The fixed size keeps the values 64-byte aligned.
constexpr size_t kHeaderBytes = 256;
const char kMagic[] = "SWEEPACT1\n";

torch::Tensor run_prefix(Backbone& backbone, int boundary, const torch::Tensor& x) {
  const torch::Tensor out = backbone.forward(x, 0, boundary);
  return boundary == backbone.num_blocks() ? Backbone::pool(out) : out;
}

void write_entry(System& system, const std::string& path, const torch::Tensor& values) {
  const torch::Tensor cpu = values.to(torch::kCPU).contiguous();
  std::string header = kMagic + json{{"shape", cpu.sizes().vec()}}.dump() + "\n";
  assert(header.size() <= kHeaderBytes);
  header.resize(kHeaderBytes, ' ');
  try {
    write_file(system, path, [&](std::ostream& out) {
      out.write(header.data(), static_cast<std::streamsize>(header.size()));
      out.write(static_cast<const char*>(cpu.data_ptr()),
                static_cast<std::streamsize>(cpu.nbytes()));
    });
  } catch (const RuntimeError& e) {
    // A cache that cannot be written only costs time; the trial goes on.
    std::fprintf(stderr, "sweep: feature cache not kept: %s\n", e.what());
  }
}

// The entry's values, mapped copy-on-write; empty when the file is missing or
// not a whole entry.
std::optional<torch::Tensor> map_entry(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  const bool sized = ::fstat(fd, &info) == 0 && static_cast<size_t>(info.st_size) > kHeaderBytes;
  void* data = sized ? ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ | PROT_WRITE,
                              MAP_PRIVATE, fd, 0)
                     : MAP_FAILED;
  ::close(fd);
  if (data == MAP_FAILED) return std::nullopt;
  const auto size = static_cast<size_t>(info.st_size);
  const auto unmap = [size](void* p) { ::munmap(p, size); };
  const std::string header(static_cast<const char*>(data), kHeaderBytes);
  std::vector<int64_t> shape;
  try {
    if (header.compare(0, sizeof kMagic - 1, kMagic) != 0) throw std::runtime_error("magic");
    const size_t end = header.find('\n', sizeof kMagic - 1);
    shape = json::parse(header.substr(sizeof kMagic - 1, end - (sizeof kMagic - 1)))
                .at("shape")
                .get<std::vector<int64_t>>();
  } catch (const std::exception&) {
    unmap(data);
    return std::nullopt;
  }
  if (shape.empty() || kHeaderBytes + static_cast<size_t>(entry_bytes(shape)) != size) {
    unmap(data);
    return std::nullopt;
  }
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used: pruned last
  return torch::from_blob(
      static_cast<char*>(data) + kHeaderBytes, shape, [data, unmap](void*) { unmap(data); },
      torch::kFloat32);
}

}  // namespace

std::string prefix_key(const Backbone& backbone, int boundary, const std::string& model_key) {
  return sha256_hex(model_key + "\n" + std::to_string(boundary) + "\n" +
                    weights_digest(backbone, boundary));
}

FrozenInput frozen_input(CacheSource source) {
  switch (source) {
    case CacheSource::kMemory:
      return FrozenInput::kMemory;
    case CacheSource::kDisk:
      return FrozenInput::kDisk;
    case CacheSource::kComputed:
      return FrozenInput::kComputed;
  }
  return FrozenInput::kComputed;
}

torch::Tensor boundary_activations(Backbone& backbone, int boundary, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  backbone.set_training(false);
  const std::vector<int64_t> shape = entry_shape(backbone, boundary, images);
  torch::Tensor out = torch::empty(shape, images.options().dtype(torch::kFloat32));
  for (int64_t start = 0; start < images.size(0); start += kBatch) {
    const int64_t end = std::min(images.size(0), start + kBatch);
    out.slice(0, start, end).copy_(run_prefix(backbone, boundary, images.slice(0, start, end)));
  }
  return out;
}

std::vector<int64_t> entry_shape(Backbone& backbone, int boundary, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> shape = run_prefix(backbone, boundary, images.slice(0, 0, 1)).sizes().vec();
  shape[0] = images.size(0);
  return shape;
}

int64_t entry_bytes(const std::vector<int64_t>& shape) {
  int64_t n = static_cast<int64_t>(sizeof(float));
  for (int64_t d : shape) n *= d;
  return n;
}

FeatureCache::FeatureCache(FeatureCacheOptions options) : options_(std::move(options)) {}

std::optional<torch::Tensor> FeatureCache::activations(Backbone& backbone, int boundary,
                                                       const std::string& prefix,
                                                       const torch::Tensor& images,
                                                       const std::string& images_key,
                                                       CacheSource* source) {
  assert(boundary > 0 && boundary <= backbone.num_blocks());
  torch::NoGradGuard no_grad;
  const std::string key = sha256_hex("sweep activations 1\n" + prefix + "\n" +
                                     (images.is_cuda() ? "cuda" : "cpu") + "\n" + images_key)
                              .substr(0, 32);
  CacheSource found = CacheSource::kMemory;
  std::optional<torch::Tensor> result = from_memory(key);
  if (!result) {
    backbone.set_training(false);
    const std::vector<int64_t> shape = entry_shape(backbone, boundary, images);
    const int64_t bytes = entry_bytes(shape);
    const bool on_disk = !options_.dir.empty() && bytes <= options_.disk_bytes;
    if (!on_disk && bytes > options_.memory_bytes) return std::nullopt;

    std::optional<FileLock> lock;
    const std::string path = options_.dir + "/" + key + ".act";
    if (on_disk) {
      std::error_code ignored;
      fs::create_directories(options_.dir, ignored);
      if (!(result = map_entry(path))) {
        lock.emplace(options_.dir + "/" + key + ".lock");
        result = map_entry(path);  // another process may have made it meanwhile
      }
      found = CacheSource::kDisk;
    }
    if (result) {
      *result = result->to(images.device());
    } else {
      found = CacheSource::kComputed;
      result = boundary_activations(backbone, boundary, images);
      if (on_disk) {
        write_entry(*options_.system, path, *result);
        prune_disk(key);
      }
    }
    hold(key, *result);
  }
  if (source) *source = found;
  return result;
}

std::optional<torch::Tensor> FeatureCache::from_memory(const std::string& key) {
  const auto it = held_.find(key);
  if (it == held_.end()) return std::nullopt;
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  return it->second.tensor;
}

void FeatureCache::hold(const std::string& key, const torch::Tensor& tensor) {
  const int64_t bytes = static_cast<int64_t>(tensor.nbytes());
  if (bytes > options_.memory_bytes) return;
  while (held_bytes_ + bytes > options_.memory_bytes) {
    const auto oldest = held_.find(recency_.back());
    held_bytes_ -= oldest->second.bytes;
    held_.erase(oldest);
    recency_.pop_back();
  }
  recency_.push_front(key);
  held_[key] = {tensor, bytes, recency_.begin()};
  held_bytes_ += bytes;
}

void FeatureCache::prune_disk(const std::string& keep) const {
  struct Entry {
    fs::file_time_type used;
    int64_t bytes;
    fs::path path;
  };
  std::vector<Entry> entries;
  int64_t total = 0;
  std::error_code error;
  for (const auto& file : fs::directory_iterator(options_.dir, error)) {
    if (file.path().extension() != ".act" || file.path().stem() == keep) continue;
    const auto bytes = static_cast<int64_t>(file.file_size(error));
    if (error) continue;
    entries.push_back({file.last_write_time(error), bytes, file.path()});
    total += bytes;
  }
  total += static_cast<int64_t>(fs::file_size(options_.dir + "/" + keep + ".act", error));
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& entry : entries) {
    if (total <= options_.disk_bytes) break;
    if (fs::remove(entry.path, error)) total -= entry.bytes;
  }
}

}  // namespace sweep
