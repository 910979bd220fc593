// Image sets as normalised float tensors on a device, ready to batch. Splits of
// a target are small (thousands of images), so each is converted once, whole.
#pragma once

#include <torch/torch.h>

#include "experiments/data/image_set.h"
#include "experiments/models/backbone.h"

namespace sweep {

struct TensorSet {
  torch::Tensor images;  // (N, C, H, W) float, normalised; or (N, D) features
  torch::Tensor labels;  // (N) int64
  int num_classes = 0;
  int64_t size() const { return labels.size(0); }
};

// Pixels scaled to [0, 1], then (x - mean) / std per channel.
TensorSet to_tensors(const ImageSet& set, const InputSpec& input, const torch::Device& device);

// Per-channel mean and standard deviation of the pixels, scaled to [0, 1].
void pixel_statistics(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std);

}  // namespace sweep
