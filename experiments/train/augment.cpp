#include "experiments/train/augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace sweep {

namespace {

// augment_batch with its draws from `generator` (empty: torch's default one).
torch::Tensor augment(const torch::Tensor& images, AugmentKind kind,
                      const c10::optional<at::Generator>& generator) {
  if (kind == AugmentKind::kNone) return images;
  const torch::Tensor in = images.to(torch::kCPU).contiguous();
  const int64_t n = in.size(0), channels = in.size(1), height = in.size(2), width = in.size(3);
  const int64_t pad = std::max<int64_t>(1, height / 8);
  const auto int64 = torch::TensorOptions().dtype(torch::kInt64);
  const torch::Tensor shifts = torch::randint(-pad, pad + 1, {n, 2}, generator, int64);
  const torch::Tensor flips = kind == AugmentKind::kCropFlip
                                  ? torch::randint(0, 2, {n}, generator, int64)
                                  : torch::zeros({n}, int64);
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

}  // namespace

torch::Tensor augment_batch(const torch::Tensor& images, AugmentKind kind) {
  return augment(images, kind, c10::nullopt);
}

torch::Tensor augmented_view(const torch::Tensor& images, AugmentKind kind, int view) {
  // Far from the small seeds trials use, so a view never repeats a trial's draws.
  constexpr uint64_t kFirstViewSeed = 0x5eed'0000'0000ULL;
  return augment(images, kind,
                 at::detail::createCPUGenerator(kFirstViewSeed + static_cast<uint64_t>(view)));
}

ViewWalk::ViewWalk(std::vector<torch::Tensor> views)
    : views_(std::move(views)),
      first_(torch::randint(0, static_cast<int64_t>(views_.size()), {views_.front().size(0)},
                            torch::kInt64)) {}

torch::Tensor ViewWalk::batch(const torch::Tensor& idx, int epoch) const {
  const auto count = static_cast<int64_t>(views_.size());
  const torch::Tensor view = (first_.index_select(0, idx.to(torch::kCPU)) + (epoch - 1)) % count;
  std::vector<int64_t> shape = views_.front().sizes().vec();
  shape[0] = idx.size(0);
  torch::Tensor out = torch::empty(shape, views_.front().options());
  for (int64_t v = 0; v < count; ++v) {
    const torch::Tensor rows = view.eq(v).nonzero().squeeze(1).to(idx.device());
    if (rows.numel() == 0) continue;
    out.index_copy_(0, rows, views_[v].index_select(0, idx.index_select(0, rows)));
  }
  return out;
}

}  // namespace sweep
