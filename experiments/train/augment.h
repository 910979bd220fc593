// Random augmentation of a training batch, done on the CPU with oneTBB: every
// image is written once into one preallocated batch, no per-image tensors.
#pragma once

#include <torch/torch.h>

#include "core/sweep_spec.h"

namespace sweep {

// `images`: (N, C, H, W) normalised floats, on any device. Each image is shifted
// by up to max(1, H/8) pixels in each direction, the uncovered border filled with
// 0 (the mean colour after normalisation); kCropFlip also mirrors it left to right
// with probability 1/2. Offsets and flips come from torch's default generator,
// so a seeded trial augments the same way every time. kNone returns `images`.
torch::Tensor augment_batch(const torch::Tensor& images, AugmentKind kind);

}  // namespace sweep
