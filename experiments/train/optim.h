// Optimizers and learning-rate schedules from a training recipe.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/sweep_spec.h"

namespace sweep {

// The recipe's optimizer over `params` at learning rate `lr` with the recipe's
// weight decay (decoupled for AdamW) and, for SGD, momentum.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params,
                                                        const TrainingRecipe& recipe, double lr);

// The learning rate at `step` of `total` steps: constant; cosine from `base` to
// zero; or step decay (x0.1 at half and at three quarters of training).
double scheduled_lr(ScheduleKind schedule, double base, int64_t step, int64_t total);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace sweep
