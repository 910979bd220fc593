#include "experiments/train/cache_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {
namespace {

// The fixture's sweep: a built-in resnet10 of width 8 on 28x28 grey images;
// near is fashion-mnist classes 3 and 4 with 50 training images per class,
// far the ten digits with 40; depths 0, 2 and all, two learning rates, two seeds.
std::vector<TrialSpec> trials_of(const nlohmann::json& document) {
  return expand_grid(parse_sweep_text(document.dump(), "s.json"));
}

// Per image: the pooled features (8 x width = 64 values) for head-only, and the
// activation after stage 2 (16 channels at 14 x 14) for 2 blocks; float32.
constexpr int64_t kBytesPerImage = (64 + 16 * 14 * 14) * 4;
// near: 50 train + 100 val from the pool, 200 from fashion-mnist's own test set,
// per class, 2 classes; far: 40 + 100 + 200 per class from one pool, 10 classes.
constexpr int64_t kNearImages = (50 + 100 + 200) * 2;
constexpr int64_t kFarImages = (40 + 100 + 200) * 10;

TEST(CachePlan, EveryBoundaryOfEveryTargetOnce) {
  const CachePlan plan = plan_cache(trials_of(testing::valid_sweep_json()), true);
  EXPECT_EQ(plan.feature_entries, 4) << "head-only and 2 blocks, per target; lr and seed share";
  EXPECT_EQ(plan.feature_bytes, (kNearImages + kFarImages) * kBytesPerImage);
  EXPECT_EQ(plan.image_bytes, 0) << "built-in datasets are not decoded into the cache";
}

TEST(CachePlan, NothingWithoutTheFeatureCache) {
  const CachePlan plan = plan_cache(trials_of(testing::valid_sweep_json()), false);
  EXPECT_EQ(plan.feature_entries, 0);
  EXPECT_EQ(plan.feature_bytes, 0);
}

TEST(CachePlan, AugmentingTrialsThatTrainBlocksRunTheirPrefixThemselves) {
  nlohmann::json document = testing::valid_sweep_json();
  document["training"]["augment"] = "crop";
  const CachePlan plan = plan_cache(trials_of(document), true);
  EXPECT_EQ(plan.feature_entries, 2) << "only head-only's pooled features";
  EXPECT_EQ(plan.feature_bytes, (kNearImages + kFarImages) * 64 * 4);
}

TEST(CachePlan, AugmentedViewsAreKeptBesideValidationAndTest) {
  nlohmann::json document = testing::valid_sweep_json();
  document["training"]["augment"] = "crop-flip";
  document["training"]["augment_views"] = 3;
  const CachePlan plan = plan_cache(trials_of(document), true);
  EXPECT_EQ(plan.feature_entries, 4) << "head-only and 2 blocks, per target, as without";
  // Head-only: features of the images as they are. 2 blocks: 2 more views of
  // each training image (near 50, far 40 per class).
  constexpr int64_t kMoreTrain = 2 * (50 * 2 + 40 * 10);
  EXPECT_EQ(plan.feature_bytes,
            (kNearImages + kFarImages) * kBytesPerImage + kMoreTrain * 16 * 14 * 14 * 4);
}

TEST(CachePlan, AnImageFolderIsDecodedOnceAtItsInputSize) {
  testing::ScopedTempDir dir;
  for (const char* c : {"cats", "dogs", "owls"}) {
    std::filesystem::create_directories(dir.file(c));
    for (int i = 0; i < 4; ++i)
      std::ofstream(dir.file(c) + "/" + std::to_string(i) + ".jpg") << "x";
  }
  nlohmann::json document = testing::valid_sweep_json();
  document["targets"][0] = {
      {"name", "photos"},   {"dataset", "image-folder"}, {"path", dir.path().string()},
      {"val_per_class", 1}, {"test_per_class", 1},       {"classes", {"cats", "dogs"}}};
  document["targets"][1] = document["targets"][0];
  document["targets"][1]["name"] = "more photos";
  const CachePlan plan = plan_cache(trials_of(document), true);
  EXPECT_EQ(plan.image_bytes, 12 * 28 * 28) << "the whole folder, once, grey at 28 px";
  EXPECT_EQ(plan.feature_entries, 4);
  EXPECT_EQ(plan.feature_bytes, 2 * 8 * kBytesPerImage) << "4 images in each of 2 classes";
  document["training"]["augment"] = "crop";
  document["training"]["augment_views"] = 3;
  EXPECT_EQ(plan_cache(trials_of(document), true).feature_bytes,
            2 * 8 * kBytesPerImage + 2 * (2 * 2 * 2) * 16 * 14 * 14 * 4)
      << "2 more views of the 2 training images each class leaves, at 2 blocks, per target";
}

}  // namespace
}  // namespace sweep
