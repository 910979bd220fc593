#include "experiments/train/augment.h"

#include <tbb/parallel_for.h>

#include <algorithm>

namespace sweep {

torch::Tensor augment_batch(const torch::Tensor& images, AugmentKind kind) {
  if (kind == AugmentKind::kNone) return images;
  const torch::Tensor in = images.to(torch::kCPU).contiguous();
  const int64_t n = in.size(0), channels = in.size(1), height = in.size(2), width = in.size(3);
  const int64_t pad = std::max<int64_t>(1, height / 8);
  const torch::Tensor shifts = torch::randint(-pad, pad + 1, {n, 2}, torch::kInt64);
  const torch::Tensor flips = kind == AugmentKind::kCropFlip
                                  ? torch::randint(0, 2, {n}, torch::kInt64)
                                  : torch::zeros({n}, torch::kInt64);
  torch::Tensor out = torch::zeros_like(in);
  const float* src = in.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t* shift = shifts.data_ptr<int64_t>();
  const int64_t* flip = flips.data_ptr<int64_t>();
  const int64_t plane = height * width;
  tbb::parallel_for(int64_t{0}, n, [&](int64_t i) {
    const int64_t dy = shift[2 * i], dx = shift[2 * i + 1];
    // Output pixel (y, x) shows input pixel (y + dy, x + dx), mirrored first when flipped.
    const int64_t x_begin = std::max<int64_t>(0, -dx), x_end = std::min(width, width - dx);
    for (int64_t c = 0; c < channels; ++c) {
      const float* from = src + (i * channels + c) * plane;
      float* to = dst + (i * channels + c) * plane;
      for (int64_t y = std::max<int64_t>(0, -dy); y < std::min(height, height - dy); ++y) {
        const float* row = from + (y + dy) * width;
        float* target = to + y * width;
        for (int64_t x = x_begin; x < x_end; ++x) {
          target[x] = flip[i] ? row[width - 1 - (x + dx)] : row[x + dx];
        }
      }
    }
  });
  return out.to(images.device());
}

}  // namespace sweep
