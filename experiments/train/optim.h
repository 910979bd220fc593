// Optimizers and learning-rate schedules from a training recipe.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/sweep_spec.h"

namespace sweep {

// Parameters that learn at the same rate: the run's rate times `lr_scale`.
struct ParamGroup {
  std::vector<torch::Tensor> params;
  double lr_scale = 1.0;
};

// Every parameter of every group, in order.
std::vector<torch::Tensor> all_params(const std::vector<ParamGroup>& groups);

// The recipe's optimizer over `groups`, each at `lr` times its scale, with the
// recipe's weight decay (decoupled for AdamW) and, for SGD, momentum.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<ParamGroup>& groups,
                                                        const TrainingRecipe& recipe, double lr);

// The learning rate at `step` of `total` steps: constant; cosine from `base` to
// zero; or step decay (x0.1 at half and at three quarters of training).
double scheduled_lr(ScheduleKind schedule, double base, int64_t step, int64_t total);

// Each group at `lr` times its scale; `groups` as the optimizer was made with.
void set_learning_rate(torch::optim::Optimizer& optimizer, const std::vector<ParamGroup>& groups,
                       double lr);

}  // namespace sweep
