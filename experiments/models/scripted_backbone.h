// A backbone from a TorchScript file (see scripts/export_torchvision.py): the
// module's top-level children are the blocks, in forward order, and the last
// one ends in the pooled feature vector. Input size, channels and normalisation
// come from the metadata file beside it.
#pragma once

#include <torch/script.h>

#include <memory>
#include <string>

#include "experiments/models/backbone.h"
#include "experiments/models/check_scripted.h"

namespace sweep {

class ScriptedBackbone : public Backbone {
 public:
  // Loads the file and its metadata and checks that they fit together: the
  // children match the metadata's blocks and a forward pass gives a (batch,
  // features) matrix. Throws InputError naming the file and what is wrong.
  static std::unique_ptr<ScriptedBackbone> load(const std::string& path);

  int num_blocks() const override { return static_cast<int>(blocks_.size()); }
  std::vector<std::string> block_names() const override { return names_; }
  const InputSpec& input() const override { return input_; }
  int64_t feature_dim() const override { return feature_dim_; }
  torch::Tensor forward(const torch::Tensor& x, int begin, int end) override;
  std::vector<torch::Tensor> block_parameters(int block) const override;
  std::vector<torch::Tensor> block_buffers(int block) const override;
  std::string block_code(int block) const override;
  void set_block_training(int block, bool training) override;
  void to(const torch::Device& device) override;
  std::unique_ptr<Backbone> clone() const override;

 private:
  ScriptedBackbone(const torch::jit::Module& module, InputSpec input, int64_t feature_dim);

  torch::jit::Module module_;
  std::vector<torch::jit::Module> blocks_;  // views of module_'s children
  std::vector<std::string> names_;
  InputSpec input_;
  int64_t feature_dim_ = 0;
};

}  // namespace sweep
