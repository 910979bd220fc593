#include "experiments/train/feature_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/catalog.h"
#include "experiments/models/resnet.h"
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
    const auto got = cache.activations(*backbone_, boundary, "m", images_, "images", &source);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(source, CacheSource::kComputed);
    EXPECT_EQ(got->sizes(), expected(boundary).sizes());
    EXPECT_TRUE(torch::allclose(*got, expected(boundary), 1e-5, 1e-6)) << boundary;
  }
  EXPECT_EQ(cache.activations(*backbone_, 5, "m", images_, "images")->dim(), 2);
}

TEST_F(FeatureCacheTest, SecondRequestComesFromMemoryThenFromDiskInAnotherProcess) {
  CacheSource source{};
  FeatureCache first(on_disk());
  const torch::Tensor computed = *first.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  first.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  EXPECT_EQ(files_with(".act"), 1);

  FeatureCache second(on_disk());  // as a worker process sharing the folder
  const torch::Tensor mapped = *second.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kDisk);
  EXPECT_TRUE(torch::equal(mapped, computed));
  mapped.add_(1.0f);  // mapped copy-on-write: the file and other readers keep their values
  FeatureCache third(on_disk());
  EXPECT_TRUE(torch::equal(*third.activations(*backbone_, 2, "m", images_, "i"), computed));
}

TEST_F(FeatureCacheTest, ChangedFrozenWeightsImagesOrModelMissTheCache) {
  FeatureCache cache(on_disk());
  CacheSource source{};
  cache.activations(*backbone_, 2, "m", images_, "i", &source);
  // Blocks after the boundary do not matter.
  {
    torch::NoGradGuard no_grad;
    backbone_->block_parameters(3).front().add_(1.0f);
  }
  cache.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  cache.activations(*backbone_, 2, "other model", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  cache.activations(*backbone_, 2, "m", images_, "other images", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  {
    torch::NoGradGuard no_grad;
    backbone_->block_buffers(1).front().add_(0.5f);  // a frozen BatchNorm statistic
  }
  const torch::Tensor changed = *cache.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_TRUE(torch::allclose(changed, expected(2), 1e-5, 1e-6));
}

TEST_F(FeatureCacheTest, MemoryBudgetEvictsLeastRecentlyUsed) {
  const int64_t entry = 40 * 4 * 12 * 12 * 4;  // boundary 1: 4 channels at 12x12
  FeatureCache cache({"", 2 * entry, 0});
  CacheSource source{};
  cache.activations(*backbone_, 1, "m", images_, "a", &source);
  cache.activations(*backbone_, 1, "m", images_, "b", &source);
  cache.activations(*backbone_, 1, "m", images_, "a", &source);  // a is now the most recent
  EXPECT_EQ(source, CacheSource::kMemory);
  cache.activations(*backbone_, 1, "m", images_, "c", &source);
  EXPECT_EQ(cache.memory_in_use(), 2 * entry);
  cache.activations(*backbone_, 1, "m", images_, "a", &source);
  EXPECT_EQ(source, CacheSource::kMemory);
  cache.activations(*backbone_, 1, "m", images_, "b", &source);
  EXPECT_EQ(source, CacheSource::kComputed) << "b was the least recently used";
}

TEST_F(FeatureCacheTest, EntryOverEveryBudgetIsNotCached) {
  FeatureCache cache({"", 6000, 0});
  EXPECT_FALSE(cache.activations(*backbone_, 1, "m", images_, "i").has_value());
  EXPECT_TRUE(cache.activations(*backbone_, 5, "m", images_, "i").has_value()) << "40 x 32 floats";
}

TEST_F(FeatureCacheTest, DiskIsPrunedToItsBudgetOldestFirst) {
  const int64_t entry = 256 + 40 * 4 * 12 * 12 * 4;
  FeatureCache cache(on_disk(entry + entry / 2));
  cache.activations(*backbone_, 1, "m", images_, "a");
  cache.activations(*backbone_, 1, "m", images_, "b");
  EXPECT_EQ(files_with(".act"), 1);
  FeatureCache other(on_disk());
  CacheSource source{};
  other.activations(*backbone_, 1, "m", images_, "b", &source);
  EXPECT_EQ(source, CacheSource::kDisk) << "the newest entry stays";
}

TEST_F(FeatureCacheTest, DamagedEntryIsComputedAgain) {
  FeatureCache({on_disk()}).activations(*backbone_, 2, "m", images_, "i");
  for (const auto& f : fs::directory_iterator(dir_.file("features"))) {
    if (f.path().extension() == ".act") fs::resize_file(f.path(), 300);
  }
  CacheSource source{};
  FeatureCache cache(on_disk());
  const torch::Tensor again = *cache.activations(*backbone_, 2, "m", images_, "i", &source);
  EXPECT_EQ(source, CacheSource::kComputed);
  EXPECT_TRUE(torch::allclose(again, expected(2), 1e-5, 1e-6));
}

}  // namespace
}  // namespace sweep
