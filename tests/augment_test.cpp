#include "experiments/train/augment.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sweep
