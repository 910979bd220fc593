#include "experiments/models/backbone.h"

namespace sweep {

std::vector<torch::Tensor> Backbone::parameters() const {
  std::vector<torch::Tensor> all;
  for (int b = 0; b < num_blocks(); ++b) {
    for (auto& p : block_parameters(b)) all.push_back(p);
  }
  return all;
}

int64_t Backbone::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

void Backbone::set_training(bool training) {
  for (int b = 0; b < num_blocks(); ++b) set_block_training(b, training);
}

torch::Tensor Backbone::pool(const torch::Tensor& activation) {
  if (activation.dim() == 2) return activation;
  return torch::adaptive_avg_pool2d(activation, {1, 1}).flatten(/*start_dim=*/1);
}

std::vector<double> block_flops(Backbone& backbone, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  backbone.set_training(false);
  const InputSpec& in = backbone.input();
  torch::Tensor x = torch::zeros({1, in.channels, in.size, in.size}, torch::TensorOptions(device));
  std::vector<double> flops;
  for (int b = 0; b < backbone.num_blocks(); ++b) {
    torch::Tensor y = backbone.forward(x, b, b + 1);
    const torch::Tensor& spatial = y.dim() == 4 ? y : x;
    const double positions = static_cast<double>(spatial.size(2) * spatial.size(3));
    double block = 0.0;
    for (const auto& p : backbone.block_parameters(b)) {
      if (p.dim() == 4) block += 2.0 * static_cast<double>(p.numel()) * positions;
      if (p.dim() == 2) block += 2.0 * static_cast<double>(p.numel());
    }
    flops.push_back(block);
    x = y;
  }
  return flops;
}

}  // namespace sweep
