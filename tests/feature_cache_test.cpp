#include "experiments/train/feature_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/catalog.h"
#include "experiments/models/resnet.h"
#include "fake_system.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

class FeatureCacheTest : public ::testing::Test {
 protected:
  FeatureCacheTest() {
    torch::manual_seed(11);
    backbone_ = std::make_unique<ResNetBackbone>(*find_builtin_arch("resnet10"), 4,
                                                 InputSpec{1, 12, {0.0f}, {1.0f}});
    backbone_->set_training(false);
    images_ = torch::randn({40, 1, 12, 12});
  }

  FeatureCacheOptions on_disk(int64_t disk_bytes = int64_t{1} << 30) const {
    return {dir_.file("features"), int64_t{1} << 30, disk_bytes};
  }

  int files_with(const std::string& extension) const {
    int count = 0;
    for (const auto& f : fs::directory_iterator(dir_.file("features"))) {
      count += f.path().extension() == extension;
    }
    return count;
  }

  // The cache's activations of images_ after `boundary` blocks, for model `model`.
  std::optional<torch::Tensor> get(FeatureCache& cache, int boundary, const std::string& model,
                                   const std::string& images_key, CacheSource* source = nullptr) {
    return cache.activations(*backbone_, boundary, prefix_key(*backbone_, boundary, model), images_,
                             images_key, source);
  }

  torch::Tensor expected(int boundary) {
    torch::NoGradGuard no_grad;
    const torch::Tensor out = backbone_->forward(images_, 0, boundary);
    return boundary == backbone_->num_blocks() ? Backbone::pool(out) : out;
  }

  testing::ScopedTempDir dir_;
  std::unique_ptr<ResNetBackbone> backbone_;
  torch::Tensor images_;
};

TEST_F(FeatureCacheTest, HoldsThePrefixOutputAndPooledFeatures) {
  FeatureCache cache({});
  for (int boundary : {1, 3, backbone_->num_blocks()}) {
    CacheSource source{};
    const auto got = get(cache, boundary, "m", "images", &source);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(source, CacheSource::kComputed);
    EXPECT_EQ(got->sizes(), expected(boundary).sizes());
    EXPECT_TRUE(torch::allclose(*got, expected(boundary), 1e-5, 1e-6)) << boundary;
  }
  EXPECT_EQ(get(cache, 5, "m", "images")->dim(), 2);
}

// A full disk costs the cache its file, not the trial its features.
TEST_F(FeatureCacheTest, ADiskFullWhileWritingAnEntryLeavesNoFileAndTheFeatures) {
  testing::FakeSystem full;
  full.disk_space = 1000;  // the header and a few values
  FeatureCacheOptions options = on_disk();
  options.system = &full;
  FeatureCache cache(options);
  CacheSource source{};
  const auto got = get(cache, 2, "m", "i", &source);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_TRUE(torch::allclose(*got, expected(2), 1e-5, 1e-6));
  EXPECT_EQ(full.written, 1000);
  for (const auto& f : fs::directory_iterator(dir_.file("features"))) {
    EXPECT_EQ(f.path().extension(), ".lock") << f.path() << ": half an entry left behind";
  }

  FeatureCache later(on_disk());  // room again
  get(later, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_EQ(files_with(".act"), 1);
}

TEST_F(FeatureCacheTest, SecondRequestComesFromMemoryThenFromDiskInAnotherProcess) {
  CacheSource source{};
  FeatureCache first(on_disk());
  const torch::Tensor computed = *get(first, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  get(first, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  EXPECT_EQ(files_with(".act"), 1);

  FeatureCache second(on_disk());  // as a worker process sharing the folder
  const torch::Tensor mapped = *get(second, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kDisk);
  EXPECT_TRUE(torch::equal(mapped, computed));
  mapped.add_(1.0f);  // mapped copy-on-write: the file and other readers keep their values
  FeatureCache third(on_disk());
  EXPECT_TRUE(torch::equal(*get(third, 2, "m", "i"), computed));
}

TEST_F(FeatureCacheTest, ChangedFrozenWeightsImagesOrModelMissTheCache) {
  FeatureCache cache(on_disk());
  CacheSource source{};
  get(cache, 2, "m", "i", &source);
  // Blocks after the boundary do not matter.
  {
    torch::NoGradGuard no_grad;
    backbone_->block_parameters(3).front().add_(1.0f);
  }
  get(cache, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  get(cache, 2, "other model", "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  get(cache, 2, "m", "other images", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  {
    torch::NoGradGuard no_grad;
    backbone_->block_buffers(1).front().add_(0.5f);  // a frozen BatchNorm statistic
  }
  const torch::Tensor changed = *get(cache, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_TRUE(torch::allclose(changed, expected(2), 1e-5, 1e-6));
}

TEST_F(FeatureCacheTest, MemoryBudgetEvictsLeastRecentlyUsed) {
  const int64_t entry = int64_t{40} * 4 * 12 * 12 * 4;  // boundary 1: 4 channels at 12x12
  FeatureCache cache({"", 2 * entry, 0});
  CacheSource source{};
  get(cache, 1, "m", "a", &source);
  get(cache, 1, "m", "b", &source);
  get(cache, 1, "m", "a", &source);  // a is now the most recent
  EXPECT_EQ(source, CacheSource::kMemory);
  get(cache, 1, "m", "c", &source);
  EXPECT_EQ(cache.memory_in_use(), 2 * entry);
  get(cache, 1, "m", "a", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  get(cache, 1, "m", "b", &source);
  EXPECT_EQ(source, CacheSource::kComputed) << "b was the least recently used";
}

TEST_F(FeatureCacheTest, EntryOverEveryBudgetIsNotCached) {
  FeatureCache cache({"", 6000, 0});
  EXPECT_FALSE(get(cache, 1, "m", "i").has_value());
  EXPECT_TRUE(get(cache, 5, "m", "i").has_value()) << "40 x 32 floats";
}

TEST_F(FeatureCacheTest, DiskIsPrunedToItsBudgetOldestFirst) {
  const int64_t entry = 256 + 40 * 4 * 12 * 12 * 4;
  FeatureCache cache(on_disk(entry + entry / 2));
  get(cache, 1, "m", "a");
  get(cache, 1, "m", "b");
  EXPECT_EQ(files_with(".act"), 1);
  FeatureCache other(on_disk());
  CacheSource source{};
  get(other, 1, "m", "b", &source);
  EXPECT_EQ(source, CacheSource::kDisk) << "the newest entry stays";
}

TEST_F(FeatureCacheTest, DamagedEntryIsComputedAgain) {
  FeatureCache first(on_disk());
  get(first, 2, "m", "i");
  for (const auto& f : fs::directory_iterator(dir_.file("features"))) {
    if (f.path().extension() == ".act") fs::resize_file(f.path(), 300);
  }
  CacheSource source{};
  FeatureCache cache(on_disk());
  const torch::Tensor again = *get(cache, 2, "m", "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_TRUE(torch::allclose(again, expected(2), 1e-5, 1e-6));
}

}  // namespace
}  // namespace sweep
