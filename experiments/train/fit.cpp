#include "experiments/train/fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/errors.h"
#include "experiments/train/augment.h"
#include "experiments/train/optim.h"

namespace sweep {
namespace {

constexpr int64_t kEvalBatch = 1024;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool contains(const std::vector<int>& epochs, int epoch) {
  return std::find(epochs.begin(), epochs.end(), epoch) != epochs.end();
}

}  // namespace

Score evaluate(const LogitsFn& logits, const TensorSet& set, const Precision& precision) {
  c10::InferenceMode inference;
  const AutocastGuard autocast(set.images.device(), precision);
  const int64_t n = set.size();
  if (n == 0) return {};
  torch::Tensor loss_sum = torch::zeros({}, set.images.options());
  torch::Tensor correct = torch::zeros({}, set.labels.options());
  for (int64_t start = 0; start < n; start += kEvalBatch) {
    const int64_t end = std::min(n, start + kEvalBatch);
    const torch::Tensor out = logits(set.images.slice(0, start, end)).to(torch::kFloat);
    const torch::Tensor y = set.labels.slice(0, start, end);
    loss_sum += torch::nn::functional::cross_entropy(
                    out, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .to(loss_sum.dtype());
    correct += out.argmax(/*dim=*/1).eq(y).sum();
  }
  return {loss_sum.item<double>() / static_cast<double>(n),
          correct.item<double>() / static_cast<double>(n)};
}

FitResult fit(const FitSetup& setup, TrainingObserver& observer) {
  const TensorSet& train = *setup.train;
  const int64_t n = train.size();
  const int64_t batch = std::min<int64_t>(setup.recipe.batch_size, n);
  const int64_t steps_per_epoch = (n + batch - 1) / batch;
  const int64_t total_steps = steps_per_epoch * setup.epochs;
  auto optimizer = make_optimizer(setup.groups, setup.recipe, setup.lr);
  const std::vector<torch::Tensor> params = all_params(setup.groups);
  LossScaler scaler(setup.precision);
  const torch::Device device = train.images.device();
  const std::optional<ViewWalk> walk =
      setup.train_views.empty() ? std::nullopt : std::make_optional<ViewWalk>(setup.train_views);
  FitResult result;
  int64_t step = 0;
  bool past_rung = false;
  for (int epoch = 1; epoch <= setup.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    setup.set_training(true);
    const double epoch_lr = scheduled_lr(setup.recipe.schedule, setup.lr, step, total_steps);
    const torch::Tensor order = torch::randperm(n, torch::kInt64).to(train.labels.device());
    torch::Tensor loss_sum = torch::zeros({}, train.images.options().dtype(torch::kFloat64));
    torch::Tensor correct = torch::zeros({}, train.labels.options());
    for (int64_t first = 0; first < n; first += batch, ++step) {
      if (observer.stop_requested()) throw Interrupted();
      set_learning_rate(*optimizer, setup.groups,
                        scheduled_lr(setup.recipe.schedule, setup.lr, step, total_steps));
      const torch::Tensor idx = order.slice(0, first, std::min(n, first + batch));
      const torch::Tensor x =
          walk ? walk->batch(idx, epoch)
               : augment_batch(train.images.index_select(0, idx), setup.recipe.augment);
      const torch::Tensor y = train.labels.index_select(0, idx);
      optimizer->zero_grad();
      torch::Tensor out;
      {
        const AutocastGuard autocast(device, setup.precision);
        out = setup.logits(x);
      }
      out = out.to(torch::kFloat);  // the loss in fp32
      const torch::Tensor loss = torch::nn::functional::cross_entropy(out, y);
      scaler.scale(loss).backward();
      if (scaler.unscale(params)) optimizer->step();
      loss_sum += loss.detach().to(torch::kFloat64) * idx.size(0);
      correct += out.detach().argmax(/*dim=*/1).eq(y).sum();
      observer.progress(
          (static_cast<double>(step) + 1) / static_cast<double>(total_steps),
          setup.label + "epoch " + std::to_string(epoch) + "/" + std::to_string(setup.epochs));
    }
    EpochMetrics metrics;
    metrics.epoch = epoch;
    metrics.lr = epoch_lr;
    metrics.train_loss = loss_sum.item<double>() / static_cast<double>(n);
    metrics.train_accuracy = correct.item<double>() / static_cast<double>(n);
    if (!std::isfinite(metrics.train_loss)) {
      result.diverged = true;
    }
    const bool rung = contains(setup.rungs, epoch);
    const bool validate = setup.validate_at.empty() || contains(setup.validate_at, epoch) || rung;
    metrics.val_loss = metrics.val_accuracy = std::nan("");
    if (setup.val && validate && !result.diverged) {
      setup.set_training(false);
      const Score val = evaluate(setup.logits, *setup.val, setup.precision);
      metrics.val_loss = val.loss;
      metrics.val_accuracy = val.accuracy;
    }
    metrics.seconds = seconds_since(start);
    result.epochs.push_back(metrics);
    if (result.diverged) break;
    if (epoch == setup.epochs) break;
    if (rung && setup.val) {
      if (!observer.continue_at_rung(epoch, metrics.val_accuracy)) {
        result.stopped_epoch = epoch;
        break;
      }
      past_rung = true;
    } else if (past_rung && observer.withdrawn_after_rung()) {
      result.stopped_epoch = epoch;
      break;
    }
  }
  setup.set_training(false);
  return result;
}

}  // namespace sweep
