// The frozen prefix's output, computed once. Every trial that freezes the same
// blocks of the same weights and trains on the same images pushes those images
// through the same frozen blocks, every epoch, for every learning rate and seed.
// A FeatureCache computes the activation at the freeze boundary once per
// (weights of the frozen blocks, images and their preprocessing, boundary,
// device kind) and hands the same tensor to each of those trials.
//
// Entries stay in memory up to a budget, least recently used leaving first, and
// are written to DIR/KEY.act so that worker processes and later runs share them:
// one process computes an entry while the others wait on its lock, then map the
// file. The folder is pruned to a disk budget, least recently used first. Keys
// hash the contents, so changed weights or images never meet a stale entry.
//
// Not thread-safe; one per process.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>

#include "core/records.h"
#include "core/system.h"
#include "experiments/models/backbone.h"

namespace sweep {

struct FeatureCacheOptions {
  std::string dir;                          // empty: memory only, not shared
  int64_t memory_bytes = int64_t{1} << 30;  // held in this process
  int64_t disk_bytes = int64_t{16} << 30;   // kept in `dir`
  System* system = &real_system();          // writes entries (tests fill its disk)
};

// Names the frozen blocks [0, boundary) of `backbone`: `model_key` (the
// backbone's code and origin), the boundary and a hash of the blocks' weights
// and statistics. Hashing reads every frozen weight: compute it once per trial.
std::string prefix_key(const Backbone& backbone, int boundary, const std::string& model_key);

// What an entry holds, computed without the cache: `images` (N, C, H, W) through
// blocks [0, boundary) in evaluation mode without gradients, in batches; pooled
// at the last boundary.
torch::Tensor boundary_activations(Backbone& backbone, int boundary, const torch::Tensor& images);

// The shape of the entry for `images` (N, C, H, W) at `boundary`: one image run
// through blocks [0, boundary) in the backbone's current mode, without
// gradients; the pooled features at the last boundary.
std::vector<int64_t> entry_shape(Backbone& backbone, int boundary, const torch::Tensor& images);
// An entry's values in bytes (float32; the file adds a header of a few hundred).
int64_t entry_bytes(const std::vector<int64_t>& shape);

// Where an entry came from, best first.
enum class CacheSource { kMemory, kDisk, kComputed };
// The trial record's word for it.
FrozenInput frozen_input(CacheSource source);

class FeatureCache {
 public:
  explicit FeatureCache(FeatureCacheOptions options);

  // The activation after blocks [0, boundary) of `backbone` for every image of
  // `images` (N, C, H, W), in evaluation mode without gradients; for boundary ==
  // num_blocks(), the pooled features. `prefix` is prefix_key() of the same
  // backbone and boundary, `images_key` names the images and their
  // preprocessing. Empty when the entry would not fit either budget: the caller
  // then runs the prefix itself.
  std::optional<torch::Tensor> activations(Backbone& backbone, int boundary,
                                           const std::string& prefix, const torch::Tensor& images,
                                           const std::string& images_key,
                                           CacheSource* source = nullptr);

  int64_t memory_in_use() const { return held_bytes_; }

 private:
  struct Held {
    torch::Tensor tensor;
    int64_t bytes = 0;
    std::list<std::string>::iterator recency;
  };

  std::optional<torch::Tensor> from_memory(const std::string& key);
  void hold(const std::string& key, const torch::Tensor& tensor);
  void prune_disk(const std::string& keep) const;

  FeatureCacheOptions options_;
  std::map<std::string, Held> held_;
  std::list<std::string> recency_;  // most recent first
  int64_t held_bytes_ = 0;
};

}  // namespace sweep
