#include "experiments/train/augment.h"

#include <gtest/gtest.h>

#include <set>

namespace sweep {
namespace {

// The (dy, dx, flipped) that turns `in` into `out`, if any within `pad`.
bool is_shifted_copy(const torch::Tensor& in, const torch::Tensor& out, int64_t pad,
                     bool allow_flip, bool* flipped) {
  const int64_t h = in.size(1), w = in.size(2);
  for (bool flip : {false, true}) {
    if (flip && !allow_flip) continue;
    const torch::Tensor source = flip ? in.flip({2}) : in;
    for (int64_t dy = -pad; dy <= pad; ++dy) {
      for (int64_t dx = -pad; dx <= pad; ++dx) {
        torch::Tensor expected = torch::zeros_like(in);
        const int64_t y0 = std::max<int64_t>(0, -dy), y1 = std::min(h, h - dy);
        const int64_t x0 = std::max<int64_t>(0, -dx), x1 = std::min(w, w - dx);
        expected.slice(1, y0, y1).slice(2, x0, x1).copy_(
            source.slice(1, y0 + dy, y1 + dy).slice(2, x0 + dx, x1 + dx));
        if (torch::equal(expected, out)) {
          *flipped = flip;
          return true;
        }
      }
    }
  }
  return false;
}

TEST(Augment, NoneReturnsTheBatch) {
  const torch::Tensor x = torch::randn({4, 1, 8, 8});
  EXPECT_TRUE(augment_batch(x, AugmentKind::kNone).is_same(x));
}

TEST(Augment, CropShiftsEachImageWithinAnEighth) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({32, 3, 16, 16}) + 5.0;  // no zeros of its own
  const torch::Tensor y = augment_batch(x, AugmentKind::kCrop);
  ASSERT_EQ(y.sizes(), x.sizes());
  int moved = 0;
  for (int64_t i = 0; i < x.size(0); ++i) {
    bool flipped = true;
    EXPECT_TRUE(is_shifted_copy(x[i], y[i], 2, false, &flipped)) << i;
    EXPECT_FALSE(flipped);
    moved += !torch::equal(x[i], y[i]);
  }
  EXPECT_GT(moved, 16) << "most images move";
}

TEST(Augment, CropFlipMirrorsAboutHalf) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({64, 1, 8, 8}) + 5.0;
  const torch::Tensor y = augment_batch(x, AugmentKind::kCropFlip);
  int flips = 0;
  for (int64_t i = 0; i < x.size(0); ++i) {
    bool flipped = false;
    ASSERT_TRUE(is_shifted_copy(x[i], y[i], 1, true, &flipped)) << i;
    flips += flipped;
  }
  EXPECT_GT(flips, 16);
  EXPECT_LT(flips, 48);
}

TEST(Augment, SameSeedSameBatch) {
  const torch::Tensor x = torch::randn({16, 1, 12, 12});
  torch::manual_seed(7);
  const torch::Tensor a = augment_batch(x, AugmentKind::kCropFlip);
  torch::manual_seed(7);
  const torch::Tensor b = augment_batch(x, AugmentKind::kCropFlip);
  EXPECT_TRUE(torch::equal(a, b));
}

TEST(Augment, AViewDependsOnItsNumberAloneAndLeavesTheSeedAlone) {
  const torch::Tensor x = torch::randn({32, 3, 16, 16}) + 5.0;
  torch::manual_seed(1);
  const torch::Tensor a = augmented_view(x, AugmentKind::kCropFlip, 3);
  const torch::Tensor after_a = torch::rand({4});
  torch::manual_seed(1);
  const torch::Tensor after_nothing = torch::rand({4});
  EXPECT_TRUE(torch::equal(after_a, after_nothing)) << "the default generator is untouched";
  torch::manual_seed(2);
  EXPECT_TRUE(torch::equal(a, augmented_view(x, AugmentKind::kCropFlip, 3)));
  EXPECT_FALSE(torch::equal(a, augmented_view(x, AugmentKind::kCropFlip, 4)));
  for (int64_t i = 0; i < x.size(0); ++i) {
    bool flipped = false;
    EXPECT_TRUE(is_shifted_copy(x[i], a[i], 2, true, &flipped)) << i;
  }
}

TEST(Augment, AViewWalkShowsEachImageItsViewsInTurn) {
  // Row r of view v holds 100 v + r in every element.
  const int64_t n = 50, count = 3;
  std::vector<torch::Tensor> views;
  for (int64_t v = 0; v < count; ++v) {
    views.push_back((torch::arange(n, torch::kFloat32) + 100.0F * static_cast<float>(v))
                        .view({n, 1, 1})
                        .expand({n, 2, 3})
                        .contiguous());
  }
  torch::manual_seed(3);
  const ViewWalk walk(views);
  const torch::Tensor idx = torch::randperm(n, torch::kInt64).slice(0, 0, 40);
  std::vector<int> first_views(count, 0);
  std::vector<int64_t> first(static_cast<size_t>(n), -1);
  std::vector<std::set<int64_t>> seen(static_cast<size_t>(n));
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const torch::Tensor batch = walk.batch(idx, epoch);
    ASSERT_EQ(batch.sizes(), (std::vector<int64_t>{40, 2, 3}));
    for (int64_t i = 0; i < idx.size(0); ++i) {
      const auto value = static_cast<int64_t>(batch[i][0][0].item<float>());
      const int64_t image = idx[i].item<int64_t>();
      EXPECT_EQ(value % 100, image) << "row " << i << " shows its own image";
      EXPECT_TRUE(torch::equal(batch[i], torch::full({2, 3}, static_cast<float>(value))));
      const int64_t view = value / 100;
      if (epoch == 1) {
        ++first_views[view];
        first[image] = view;
      }
      if (epoch <= count) {
        EXPECT_TRUE(seen[image].insert(view).second) << "a view seen again before all were";
      } else {
        EXPECT_EQ(view, first[image]) << "after the last view the walk starts again";
      }
    }
  }
  for (int64_t v = 0; v < count; ++v) EXPECT_GT(first_views[v], 4) << "view " << v << " first";
  torch::manual_seed(3);
  const ViewWalk same_seed(views);
  EXPECT_TRUE(torch::equal(same_seed.batch(idx, 2), walk.batch(idx, 2)));
}

}  // namespace
}  // namespace sweep
