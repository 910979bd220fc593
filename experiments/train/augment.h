// Random augmentation of a training batch, done on the CPU with oneTBB: every
// image is written once into one preallocated batch, no per-image tensors.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// `images`: (N, C, H, W) normalised floats, on any device. Each image is shifted
// by up to max(1, H/8) pixels in each direction, the uncovered border filled with
// 0 (the mean colour after normalisation); kCropFlip also mirrors it left to right
// with probability 1/2. Offsets and flips come from torch's default generator,
// so a seeded trial augments the same way every time. kNone returns `images`.
torch::Tensor augment_batch(const torch::Tensor& images, AugmentKind kind);

// View number `view` of every image of `images` (a recipe's augment_views): the
// shifts and flips of augment_batch, drawn from a generator seeded by the view's
// number alone, so that every trial, worker and run makes the same views of the
// same images and the frozen-feature cache can keep them. Leaves torch's default
// generator untouched.
torch::Tensor augmented_view(const torch::Tensor& images, AugmentKind kind, int view);

// Training from fixed views: over the epochs each image walks through its views
// in turn, starting at a view drawn for it from torch's default generator, so
// that E epochs show it min(E, V) different views of the V.
class ViewWalk {
 public:
  // `views`: V tensors alike in shape, row j of each a view of image j.
  explicit ViewWalk(std::vector<torch::Tensor> views);
  // The batch whose row i is image idx[i] as the walk shows it in `epoch` (from 1).
  torch::Tensor batch(const torch::Tensor& idx, int epoch) const;

 private:
  std::vector<torch::Tensor> views_;
  torch::Tensor first_;  // each image's first view
};

}  // namespace sweep
