// The built-in ResNet family: a 3x3 stem, then four stages of basic residual
// blocks with widths w, 2w, 4w, 8w and strides 1, 2, 2, 2. Sized for small images
// (no 7x7 convolution, no max-pool). Freeze units: the stem and each stage.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "core/catalog.h"
#include "experiments/models/backbone.h"

namespace sweep {

class ResNetModuleImpl;

class ResNetBackbone : public Backbone {
 public:
  ResNetBackbone(const BuiltinArch& arch, int width, InputSpec input);

  int num_blocks() const override;
  std::vector<std::string> block_names() const override;
  const InputSpec& input() const override { return input_; }
  int64_t feature_dim() const override { return int64_t{8} * width_; }
  torch::Tensor forward(const torch::Tensor& x, int begin, int end) override;
  std::vector<torch::Tensor> block_parameters(int block) const override;
  std::vector<torch::Tensor> block_buffers(int block) const override;
  void set_block_training(int block, bool training) override;
  void to(const torch::Device& device) override;
  std::unique_ptr<Backbone> clone() const override;

  void set_input(InputSpec input) { input_ = std::move(input); }
  // Weights and BatchNorm statistics, in LibTorch's serialization format.
  void save(std::ostream& out) const;
  // Throws RuntimeError when the file does not hold weights of this shape.
  void load(const std::string& path);

 private:
  BuiltinArch arch_;
  int width_;
  InputSpec input_;
  std::shared_ptr<ResNetModuleImpl> net_;
};

}  // namespace sweep
