#include "experiments/data/shift.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

#include "experiments/data/image_convert.h"

namespace sweep {
namespace {

uint64_t mix64(uint64_t x) {  // SplitMix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The draws of one image at one step: the standard fixes mt19937_64's output,
// and the conversions below are ours, so they are the same on every platform.
class Draws {
 public:
  Draws(uint64_t seed, int split, size_t step, size_t image)
      : rng_(mix64(mix64(mix64(mix64(seed) ^ static_cast<uint64_t>(split)) ^ step) ^ image)) {}

  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {                                                           // Box-Muller
    const double u = 1.0 - uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * uniform());
  }

 private:
  std::mt19937_64 rng_;
};

uint8_t to_pixel(double value) {
  return static_cast<uint8_t>(std::lround(std::clamp(value, 0.0, 255.0)));
}

// One image of `shape`'s size (CHW), changed in place by `step`.
void change(const ShiftStep& step, const ImageSet& blend, Draws& draws, const ImageSet& shape,
            uint8_t* pixels) {
  const size_t bytes = shape.image_bytes();
  switch (step.kind) {
    case ShiftKind::kRotate:
    case ShiftKind::kBlur: {
      const cv::Mat image = load_chw(pixels, shape.channels, shape.height, shape.width);
      cv::Mat out;
      if (step.kind == ShiftKind::kRotate) {
        const cv::Point2f centre((shape.width - 1) / 2.0F, (shape.height - 1) / 2.0F);
        // Corners that come from outside the image are black, as in torchvision's rotate.
        cv::warpAffine(image, out, cv::getRotationMatrix2D(centre, step.amount, 1.0), image.size(),
                       cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
      } else {
        cv::GaussianBlur(image, out, cv::Size(0, 0), step.amount, step.amount,
                         cv::BORDER_REFLECT_101);
      }
      store_chw(out, pixels);
      return;
    }
    case ShiftKind::kInvert:
      if (draws.uniform() < step.amount) {
        for (size_t i = 0; i < bytes; ++i) pixels[i] = static_cast<uint8_t>(255 - pixels[i]);
      }
      return;
    case ShiftKind::kNoise:
      for (size_t i = 0; i < bytes; ++i) {
        pixels[i] = to_pixel(pixels[i] + 255.0 * step.amount * draws.normal());
      }
      return;
    case ShiftKind::kContrast: {
      double sum = 0.0;
      for (size_t i = 0; i < bytes; ++i) sum += pixels[i];
      const double mean = sum / static_cast<double>(bytes);
      for (size_t i = 0; i < bytes; ++i) {
        pixels[i] = to_pixel(mean + (pixels[i] - mean) * (1.0 - step.amount));
      }
      return;
    }
    case ShiftKind::kMix: {
      const auto partner =
          std::min(blend.size() - 1, static_cast<size_t>(draws.uniform() * blend.size()));
      const uint8_t* other = blend.image(partner);
      for (size_t i = 0; i < bytes; ++i) {
        pixels[i] = to_pixel((1.0 - step.amount) * pixels[i] + step.amount * other[i]);
      }
      return;
    }
  }
}

}  // namespace

void apply_shift(const std::vector<ShiftStep>& chain, const std::vector<ImageSet>& blends,
                 uint64_t seed, int split, ImageSet& images) {
  static const ImageSet kNone;
  for (size_t k = 0; k < chain.size(); ++k) {
    if (chain[k].kind != ShiftKind::kMix) continue;
    const ImageSet* blend = k < blends.size() ? &blends[k] : nullptr;
    if (!blend || blend->size() == 0 || blend->image_bytes() != images.image_bytes()) {
      throw std::invalid_argument("shift step " + std::to_string(k + 1) +
                                  " mixes in images, but none of the target's shape were given");
    }
  }
  tbb::parallel_for(size_t{0}, images.size(), [&](size_t image) {
    uint8_t* pixels = images.pixels.data() + image * images.image_bytes();
    for (size_t k = 0; k < chain.size(); ++k) {
      Draws draws(seed, split, k, image);
      change(chain[k], k < blends.size() ? blends[k] : kNone, draws, images, pixels);
    }
  });
}

}  // namespace sweep
