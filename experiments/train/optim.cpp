#include "experiments/train/optim.h"

#include <cmath>

namespace sweep {

std::vector<torch::Tensor> all_params(const std::vector<ParamGroup>& groups) {
  std::vector<torch::Tensor> params;
  for (const ParamGroup& group : groups) {
    params.insert(params.end(), group.params.begin(), group.params.end());
  }
  return params;
}

namespace {

// One optimizer group per ParamGroup, each with the options `Options` built at
// its own rate.
template <typename Optimizer, typename Options, typename MakeOptions>
std::unique_ptr<torch::optim::Optimizer> grouped(const std::vector<ParamGroup>& groups, double lr,
                                                 MakeOptions options) {
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  for (const ParamGroup& group : groups) {
    param_groups.emplace_back(group.params,
                              std::make_unique<Options>(options(lr * group.lr_scale)));
  }
  return std::make_unique<Optimizer>(std::move(param_groups), options(lr));
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<ParamGroup>& groups,
                                                        const TrainingRecipe& recipe, double lr) {
  using namespace torch::optim;
  switch (recipe.optimizer) {
    case OptimizerKind::kSgd:
      return grouped<SGD, SGDOptions>(groups, lr, [&](double rate) {
        return SGDOptions(rate).momentum(recipe.momentum).weight_decay(recipe.weight_decay);
      });
    case OptimizerKind::kAdam:
      return grouped<Adam, AdamOptions>(groups, lr, [&](double rate) {
        return AdamOptions(rate).weight_decay(recipe.weight_decay);
      });
    case OptimizerKind::kAdamW:
      return grouped<AdamW, AdamWOptions>(groups, lr, [&](double rate) {
        return AdamWOptions(rate).weight_decay(recipe.weight_decay);
      });
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

void set_learning_rate(torch::optim::Optimizer& optimizer, const std::vector<ParamGroup>& groups,
                       double lr) {
  auto& param_groups = optimizer.param_groups();
  for (size_t g = 0; g < param_groups.size() && g < groups.size(); ++g) {
    param_groups[g].options().set_lr(lr * groups[g].lr_scale);
  }
}

}  // namespace sweep
