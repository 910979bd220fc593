#include "experiments/data/shift.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sweep {
namespace {

// `n` grey images of h x w, pixel j of image i = (i * 7 + j * 13) % 256.
ImageSet ramp(size_t n, int h, int w, int channels = 1) {
  ImageSet set;
  set.channels = channels;
  set.height = h;
  set.width = w;
  set.class_names = {"a", "b"};
  for (size_t i = 0; i < n; ++i) {
    set.labels.push_back(static_cast<int>(i % 2));
    for (size_t j = 0; j < set.image_bytes(); ++j) {
      set.pixels.push_back(static_cast<uint8_t>((i * 7 + j * 13) % 256));
    }
  }
  return set;
}

ShiftStep step(ShiftKind kind, double amount) {
  ShiftStep s;
  s.kind = kind;
  s.amount = amount;
  return s;
}

ImageSet shifted(ImageSet set, const std::vector<ShiftStep>& chain, uint64_t seed = 7,
                 int split = 0, const std::vector<ImageSet>& blends = {}) {
  apply_shift(chain, blends, seed, split, set);
  return set;
}

TEST(Shift, AnEmptyChainChangesNothing) {
  const ImageSet set = ramp(5, 3, 4);
  EXPECT_EQ(shifted(set, {}).pixels, set.pixels);
}

TEST(Shift, RotatingAQuarterTurnMovesEveryPixelExactly) {
  ImageSet set = ramp(1, 3, 3);
  // 0 1 2 / 3 4 5 / 6 7 8 (as pixel values 0..8 times 10)
  for (size_t j = 0; j < 9; ++j) set.pixels[j] = static_cast<uint8_t>(10 * j);
  // A quarter turn counter-clockwise: the top row becomes the left column, read upwards.
  EXPECT_EQ(shifted(set, {step(ShiftKind::kRotate, 90)}).pixels,
            (std::vector<uint8_t>{20, 50, 80, 10, 40, 70, 0, 30, 60}));
  EXPECT_EQ(shifted(set, {step(ShiftKind::kRotate, -90), step(ShiftKind::kRotate, 90)}).pixels,
            set.pixels);
  ImageSet flat = ramp(1, 9, 9);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 200);
  const std::vector<uint8_t> turned = shifted(flat, {step(ShiftKind::kRotate, 45)}).pixels;
  EXPECT_EQ(turned[0], 0) << "a corner from outside the image is black";
  EXPECT_EQ(turned[40], 200) << "the centre stays";
}

TEST(Shift, InvertingTurnsAFractionOfTheImagesNestedAcrossLevels) {
  const ImageSet set = ramp(400, 2, 2);
  const auto inverted = [&](double fraction) {
    const ImageSet out = shifted(set, {step(ShiftKind::kInvert, fraction)});
    std::vector<bool> which;
    for (size_t i = 0; i < set.size(); ++i) {
      const bool changed = out.image(i)[0] != set.image(i)[0];
      if (changed) {
        for (size_t j = 0; j < set.image_bytes(); ++j) {
          EXPECT_EQ(out.image(i)[j], 255 - set.image(i)[j]);
        }
      }
      which.push_back(changed);
    }
    return which;
  };
  const std::vector<bool> all = inverted(1.0), half = inverted(0.5), quarter = inverted(0.25);
  EXPECT_EQ(std::count(all.begin(), all.end(), true), 400);
  EXPECT_NEAR(std::count(half.begin(), half.end(), true), 200, 30);
  EXPECT_NEAR(std::count(quarter.begin(), quarter.end(), true), 100, 25);
  for (size_t i = 0; i < quarter.size(); ++i) {
    EXPECT_TRUE(!quarter[i] || half[i]) << "image " << i << ": inverted at 0.25, not at 0.5";
  }
}

TEST(Shift, ContrastShrinksTowardsEachImagesMean) {
  ImageSet set = ramp(1, 1, 4);
  set.pixels = {0, 100, 100, 200};  // mean 100
  EXPECT_EQ(shifted(set, {step(ShiftKind::kContrast, 0.5)}).pixels,
            (std::vector<uint8_t>{50, 100, 100, 150}));
  EXPECT_EQ(shifted(set, {step(ShiftKind::kContrast, 0.25)}).pixels,
            (std::vector<uint8_t>{25, 100, 100, 175}));
}

TEST(Shift, MixingBlendsASeededPartnerWithTheWeight) {
  ImageSet set = ramp(50, 1, 2);
  ImageSet other = ramp(3, 1, 2);
  for (size_t i = 0; i < other.size(); ++i) {
    other.pixels[2 * i] = other.pixels[2 * i + 1] = static_cast<uint8_t>(100 * i);
  }
  const std::vector<ImageSet> blends = {other};
  const ImageSet out = shifted(set, {step(ShiftKind::kMix, 0.5)}, 7, 0, blends);
  const ImageSet heavier = shifted(set, {step(ShiftKind::kMix, 1.0)}, 7, 0, blends);
  std::vector<int> partners;
  for (size_t i = 0; i < set.size(); ++i) {
    const int partner = heavier.image(i)[0] / 100;  // weight 1: the partner itself
    ASSERT_EQ(heavier.image(i)[0], heavier.image(i)[1]);
    partners.push_back(partner);
    for (size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(out.image(i)[j], std::lround(0.5 * set.image(i)[j] + 0.5 * 100 * partner))
          << "the same partner at every weight";
    }
  }
  for (int p = 0; p < 3; ++p) {
    EXPECT_GT(std::count(partners.begin(), partners.end(), p), 5) << "partner " << p;
  }
  EXPECT_THROW(shifted(set, {step(ShiftKind::kMix, 0.5)}), std::invalid_argument);
  EXPECT_THROW(shifted(set, {step(ShiftKind::kMix, 0.5)}, 7, 0, {ramp(3, 2, 2)}),
               std::invalid_argument)
      << "images of another shape";
}

TEST(Shift, BlurKeepsAFlatImageAndSpreadsAPointSymmetrically) {
  ImageSet flat = ramp(1, 5, 5);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 90);
  EXPECT_EQ(shifted(flat, {step(ShiftKind::kBlur, 1.0)}).pixels, flat.pixels);
  ImageSet point = flat;
  std::fill(point.pixels.begin(), point.pixels.end(), 0);
  point.pixels[12] = 250;  // the centre
  const std::vector<uint8_t> out = shifted(point, {step(ShiftKind::kBlur, 1.0)}).pixels;
  EXPECT_LT(out[12], 250);
  EXPECT_GT(out[11], 0);
  EXPECT_EQ(out[11], out[13]);
  EXPECT_EQ(out[7], out[17]);
  EXPECT_EQ(out[11], out[7]);
  EXPECT_GT(out[12], out[11]);
  EXPECT_GT(out[11], out[6]);
}

TEST(Shift, NoiseIsSeededGradedAndCentred) {
  ImageSet set = ramp(20, 8, 8);
  std::fill(set.pixels.begin(), set.pixels.end(), 128);
  const ImageSet a = shifted(set, {step(ShiftKind::kNoise, 0.1)});
  EXPECT_EQ(a.pixels, shifted(set, {step(ShiftKind::kNoise, 0.1)}).pixels) << "deterministic";
  EXPECT_NE(a.pixels, shifted(set, {step(ShiftKind::kNoise, 0.1)}, 8).pixels) << "seeded";
  EXPECT_NE(a.pixels, shifted(set, {step(ShiftKind::kNoise, 0.1)}, 7, 1).pixels)
      << "each split its own draws";
  const ImageSet b = shifted(set, {step(ShiftKind::kNoise, 0.05)});
  double sum = 0.0, squares = 0.0;
  for (size_t j = 0; j < a.pixels.size(); ++j) {
    const double d = a.pixels[j] - 128.0;
    sum += d;
    squares += d * d;
    // the same draw, half as strong (up to rounding)
    EXPECT_NEAR(b.pixels[j] - 128.0, d / 2, 1.0) << j;
  }
  const double n = static_cast<double>(a.pixels.size());
  EXPECT_NEAR(sum / n, 0.0, 2.0);
  EXPECT_NEAR(std::sqrt(squares / n), 25.5, 2.5);
}

TEST(Shift, ChainsApplyInOrderToEveryChannel) {
  ImageSet set = ramp(4, 6, 6, 3);
  std::fill(set.pixels.begin(), set.pixels.end(), 128);
  const auto spread = [](const ImageSet& out) {
    double squares = 0.0;
    for (uint8_t p : out.pixels) squares += (p - 128.0) * (p - 128.0);
    return std::sqrt(squares / static_cast<double>(out.pixels.size()));
  };
  const ShiftStep noise = step(ShiftKind::kNoise, 0.1), contrast = step(ShiftKind::kContrast, 0.5);
  const double noise_then_contrast = spread(shifted(set, {noise, contrast}));
  const double contrast_then_noise = spread(shifted(set, {contrast, noise}));
  EXPECT_NEAR(noise_then_contrast / contrast_then_noise, 0.5, 0.05);
  const ImageSet out = shifted(set, {noise});
  for (int c = 0; c < 3; ++c) {
    const uint8_t* plane = out.image(0) + c * 36;
    EXPECT_TRUE(std::any_of(plane, plane + 36, [](uint8_t p) { return p != 128; }))
        << "channel " << c;
  }
}

}  // namespace
}  // namespace sweep
