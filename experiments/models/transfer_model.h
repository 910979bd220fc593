// A backbone with a new linear head, trained with a range of its blocks open
// (the last `unfrozen` ones, or any [first, end)) and the rest frozen. Freezing means three things,
// all enforced here: frozen parameters have requires_grad false, frozen blocks (their BatchNorm
// layers) stay in evaluation mode whatever mode the model is put in, and only
// trainable parameters are handed to the optimizer. The frozen prefix also runs
// without autograd, so it costs a forward pass and nothing more; frozen blocks
// after the range pass gradients back to it without gathering their own.
//
// Owns its backbone. Not thread-safe.
#pragma once

#include <memory>

#include "experiments/models/backbone.h"

namespace sweep {

// Blocks counted from 0 at the input, [first, end).
struct BlockRange {
  int first = 0;
  int end = 0;
};

class TransferModel {
 public:
  // 0 <= first <= end <= backbone->num_blocks(). The head is initialised from
  // the current torch seed.
  TransferModel(std::unique_ptr<Backbone> backbone, int num_classes, BlockRange trained);
  // The last `unfrozen` blocks, 0 <= unfrozen <= backbone->num_blocks().
  TransferModel(std::unique_ptr<Backbone> backbone, int num_classes, int unfrozen);

  // Logits for a batch of normalised images.
  torch::Tensor forward(const torch::Tensor& images);
  // The activation at the freeze boundary (no gradients), and the logits from it.
  torch::Tensor frozen_prefix(const torch::Tensor& images);
  torch::Tensor from_boundary(const torch::Tensor& activation);

  // Training mode for the trainable blocks and the head; frozen blocks stay in
  // evaluation mode.
  void train();
  void eval();

  std::vector<torch::Tensor> trainable_parameters() const;
  int64_t trainable_count() const;
  int64_t total_count() const;
  BlockRange trained() const { return trained_; }
  int first_trainable_block() const { return trained_.first; }
  Backbone& backbone() { return *backbone_; }
  torch::nn::Linear& head() { return head_; }
  void to(const torch::Device& device);

 private:
  // requires_grad and the head's device, once the range is known.
  void freeze();
  bool is_trained(int block) const;

  std::unique_ptr<Backbone> backbone_;
  torch::nn::Linear head_;
  BlockRange trained_;
};

}  // namespace sweep
