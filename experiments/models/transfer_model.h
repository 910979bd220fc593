// A backbone with a new linear head, trained with the last `unfrozen` blocks
// open and the rest frozen. Freezing means three things, all enforced here:
// frozen parameters have requires_grad false, frozen blocks (their BatchNorm
// layers) stay in evaluation mode whatever mode the model is put in, and only
// trainable parameters are handed to the optimizer. The frozen prefix also runs
// without autograd, so it costs a forward pass and nothing more.
//
// Owns its backbone. Not thread-safe.
#pragma once

#include <memory>

#include "experiments/models/backbone.h"

namespace sweep {

class TransferModel {
 public:
  // 0 <= unfrozen <= backbone->num_blocks(). The head is initialised from the
  // current torch seed.
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
  int unfrozen() const { return unfrozen_; }
  int first_trainable_block() const { return backbone_->num_blocks() - unfrozen_; }
  Backbone& backbone() { return *backbone_; }
  torch::nn::Linear& head() { return head_; }
  void to(const torch::Device& device);

 private:
  std::unique_ptr<Backbone> backbone_;
  torch::nn::Linear head_;
  int unfrozen_;
};

}  // namespace sweep
