// A pretrained feature extractor as sweep sees it: an ordered list of blocks, the
// units that are frozen or trained, ending in a pooled feature vector. The
// built-in ResNet family implements it; so can a TorchScript module whose
// top-level children are the blocks.
//
// A Backbone is owned by one trial at a time and is not thread-safe. clone()
// gives an independent deep copy, so one loaded backbone can seed many trials.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace sweep {

// What the backbone expects as input.
struct InputSpec {
  int channels = 1;
  int size = 28;
  std::vector<float> mean;  // per channel, on pixels scaled to [0, 1]
  std::vector<float> std;
};

class Backbone {
 public:
  virtual ~Backbone() = default;

  virtual int num_blocks() const = 0;
  virtual std::vector<std::string> block_names() const = 0;
  virtual const InputSpec& input() const = 0;
  // Width of the pooled feature vector.
  virtual int64_t feature_dim() const = 0;

  // Runs blocks [begin, end) on x: the activation after block end-1.
  virtual torch::Tensor forward(const torch::Tensor& x, int begin, int end) = 0;

  virtual std::vector<torch::Tensor> block_parameters(int block) const = 0;
  virtual std::vector<torch::Tensor> block_buffers(int block) const = 0;
  // What the block computes, as text that is the same for the same code: a
  // TorchScript block's inlined forward graph; empty for the built-in family,
  // whose code the architecture's name fixes.
  virtual std::string block_code(int /*block*/) const { return ""; }
  // Training or evaluation mode of one block (BatchNorm statistics, dropout).
  virtual void set_block_training(int block, bool training) = 0;

  virtual void to(const torch::Device& device) = 0;
  virtual std::unique_ptr<Backbone> clone() const = 0;

  // Convenience over the virtual interface.
  // The (batch, feature_dim) features of the last block's output: spatial maps
  // are average-pooled; a backbone whose last block pools already passes through.
  static torch::Tensor pool(const torch::Tensor& activation);
  torch::Tensor features(const torch::Tensor& x) { return pool(forward(x, 0, num_blocks())); }
  std::vector<torch::Tensor> parameters() const;
  int64_t parameter_count() const;
  void set_training(bool training);
};

// Estimated forward FLOPs per image of each block: two per multiply-add of every
// convolution (4-d weights) at the block's output resolution (its input
// resolution when the block ends by pooling) and of every linear layer (2-d
// weights). Batch norm, activations and additions are left out. Runs one image
// through the backbone in evaluation mode, without gradients.
std::vector<double> block_flops(Backbone& backbone, const torch::Device& device);

// SHA-256 of what blocks [0, blocks) compute: each block's name and code, then
// its parameters and buffers in order, each as dtype, shape and values. The
// same model gives the same digest however the file that holds it was written.
std::string weights_digest(const Backbone& backbone, int blocks);

// weights_digest() of every block together with the input the backbone
// expects (channels, size, mean, std) and its feature width: a backbone's
// identity in trial ids, stable when the same model is exported again.
std::string content_digest(const Backbone& backbone);

}  // namespace sweep
