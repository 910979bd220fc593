#include "experiments/models/transfer_model.h"

#include <cassert>

namespace sweep {

TransferModel::TransferModel(std::unique_ptr<Backbone> backbone, int num_classes,
                             BlockRange trained)
    : backbone_(std::move(backbone)),
      head_(torch::nn::Linear(backbone_->feature_dim(), num_classes)),
      trained_(trained) {
  freeze();
}

TransferModel::TransferModel(std::unique_ptr<Backbone> backbone, int num_classes, int unfrozen)
    : backbone_(std::move(backbone)),
      head_(torch::nn::Linear(backbone_->feature_dim(), num_classes)),
      trained_{backbone_->num_blocks() - unfrozen, backbone_->num_blocks()} {
  freeze();
}

void TransferModel::freeze() {
  assert(0 <= trained_.first && trained_.first <= trained_.end &&
         trained_.end <= backbone_->num_blocks());
  for (int b = 0; b < backbone_->num_blocks(); ++b) {
    for (auto& p : backbone_->block_parameters(b)) p.requires_grad_(is_trained(b));
  }
  if (!backbone_->parameters().empty()) head_->to(backbone_->parameters().front().device());
}

bool TransferModel::is_trained(int block) const {
  return block >= trained_.first && block < trained_.end;
}

torch::Tensor TransferModel::frozen_prefix(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  return backbone_->forward(images, 0, first_trainable_block());
}

torch::Tensor TransferModel::from_boundary(const torch::Tensor& activation) {
  const int n = backbone_->num_blocks();
  return head_->forward(Backbone::pool(backbone_->forward(activation, first_trainable_block(), n)));
}

torch::Tensor TransferModel::forward(const torch::Tensor& images) {
  return from_boundary(frozen_prefix(images));
}

void TransferModel::train() {
  head_->train();
  for (int b = 0; b < backbone_->num_blocks(); ++b) {
    backbone_->set_block_training(b, is_trained(b));
  }
}

void TransferModel::eval() {
  head_->eval();
  backbone_->set_training(false);
}

std::vector<torch::Tensor> TransferModel::trainable_parameters() const {
  std::vector<torch::Tensor> params;
  for (int b = trained_.first; b < trained_.end; ++b) {
    for (auto& p : backbone_->block_parameters(b)) params.push_back(p);
  }
  for (auto& p : head_->parameters()) params.push_back(p);
  return params;
}

int64_t TransferModel::trainable_count() const {
  int64_t count = 0;
  for (const auto& p : trainable_parameters()) count += p.numel();
  return count;
}

int64_t TransferModel::total_count() const {
  int64_t count = backbone_->parameter_count();
  for (const auto& p : head_->parameters()) count += p.numel();
  return count;
}

void TransferModel::to(const torch::Device& device) {
  backbone_->to(device);
  head_->to(device);
}

}  // namespace sweep
