#include "experiments/models/backbone.h"

#include <cstdio>

#include "core/sha256.h"

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

std::string weights_digest(const Backbone& backbone, int blocks) {
  const std::vector<std::string> names = backbone.block_names();
  std::string bytes;
  for (int b = 0; b < blocks; ++b) {
    bytes += "block " + names.at(static_cast<size_t>(b)) + "\n" + backbone.block_code(b) + "\n";
    std::vector<torch::Tensor> tensors = backbone.block_parameters(b);
    for (const auto& t : backbone.block_buffers(b)) tensors.push_back(t);
    for (const auto& t : tensors) {
      const torch::Tensor cpu = t.detach().to(torch::kCPU).contiguous();
      bytes += std::string(c10::toString(cpu.scalar_type())) + " " + c10::str(cpu.sizes()) + "\n";
      bytes.append(static_cast<const char*>(cpu.data_ptr()), cpu.nbytes());
    }
  }
  return sha256_hex(bytes);
}

std::string content_digest(const Backbone& backbone) {
  const InputSpec& in = backbone.input();
  std::string text = "channels " + std::to_string(in.channels) + " size " +
                     std::to_string(in.size) + " features " +
                     std::to_string(backbone.feature_dim()) + " mean";
  const auto exact = [](float value) {  // every float its own text
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, " %.9g", static_cast<double>(value));
    return std::string(buffer);
  };
  for (float m : in.mean) text += exact(m);
  text += " std";
  for (float s : in.std) text += exact(s);
  return sha256_hex(text + "\n" + weights_digest(backbone, backbone.num_blocks()));
}

}  // namespace sweep
