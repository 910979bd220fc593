#include "experiments/train/tensors.h"

#include <cassert>

namespace sweep {

TensorSet to_tensors(const ImageSet& set, const InputSpec& input, const torch::Device& device) {
  assert(set.channels == input.channels && set.height == input.size && set.width == input.size);
  const auto n = static_cast<int64_t>(set.size());
  torch::Tensor pixels = torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                                          {n, set.channels, set.height, set.width}, torch::kUInt8);
  const auto shape = std::vector<int64_t>{1, set.channels, 1, 1};
  const torch::Tensor mean = torch::tensor(input.mean).view(shape);
  const torch::Tensor std = torch::tensor(input.std).view(shape);
  // from_blob aliases the set's memory: the arithmetic below makes a new tensor.
  torch::Tensor images = (pixels.to(torch::kFloat32).div_(255.0f) - mean) / std;
  std::vector<int64_t> labels(set.labels.begin(), set.labels.end());
  TensorSet out;
  out.images = images.to(device);
  out.labels = torch::tensor(labels, torch::kInt64).to(device);
  out.num_classes = set.num_classes();
  return out;
}

void pixel_statistics(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std) {
  const auto n = static_cast<int64_t>(set.size());
  torch::Tensor pixels =
      torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                       {n, set.channels, int64_t{set.height} * set.width}, torch::kUInt8)
          .to(torch::kFloat64)
          .div_(255.0);
  const torch::Tensor per_channel = pixels.transpose(0, 1).reshape({set.channels, -1});
  const torch::Tensor m = per_channel.mean(/*dim=*/1);
  const torch::Tensor s = per_channel.std(/*dim=*/1).clamp_min(1e-6);
  mean.assign(m.data_ptr<double>(), m.data_ptr<double>() + set.channels);
  std.assign(s.data_ptr<double>(), s.data_ptr<double>() + set.channels);
}

}  // namespace sweep
