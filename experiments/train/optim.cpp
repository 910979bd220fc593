#include "experiments/train/optim.h"

#include <cmath>

namespace sweep {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params,
                                                        const TrainingRecipe& recipe, double lr) {
  switch (recipe.optimizer) {
    case OptimizerKind::kSgd:
      return std::make_unique<torch::optim::SGD>(
          std::move(params),
          torch::optim::SGDOptions(lr).momentum(recipe.momentum).weight_decay(recipe.weight_decay));
    case OptimizerKind::kAdam:
      return std::make_unique<torch::optim::Adam>(
          std::move(params), torch::optim::AdamOptions(lr).weight_decay(recipe.weight_decay));
    case OptimizerKind::kAdamW:
      return std::make_unique<torch::optim::AdamW>(
          std::move(params), torch::optim::AdamWOptions(lr).weight_decay(recipe.weight_decay));
  }
  return nullptr;
}

double scheduled_lr(ScheduleKind schedule, double base, int64_t step, int64_t total) {
  const double progress = total > 0 ? static_cast<double>(step) / static_cast<double>(total) : 0.0;
  switch (schedule) {
    case ScheduleKind::kConstant:
      return base;
    case ScheduleKind::kCosine:
      return base * 0.5 * (1.0 + std::cos(M_PI * progress));
    case ScheduleKind::kStep:
      return progress < 0.5 ? base : progress < 0.75 ? base * 0.1 : base * 0.01;
  }
  return base;
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace sweep
