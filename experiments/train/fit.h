// The training loop shared by pretraining, fine-tuning and the linear probe:
// shuffled mini-batches, cross-entropy, the recipe's optimizer and schedule,
// validation after the epochs asked for, divergence detection, successive
// halving's rungs, mixed precision and a way to stop.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/observer.h"
#include "core/records.h"
#include "experiments/train/optim.h"
#include "experiments/train/precision.h"
#include "experiments/train/tensors.h"

namespace sweep {

using LogitsFn = std::function<torch::Tensor(const torch::Tensor&)>;

struct FitSetup {
  LogitsFn logits;                         // batch -> logits, with autograd where trained
  std::function<void(bool)> set_training;  // model mode: true for training
  std::vector<ParamGroup> groups;          // what the optimizer updates, at which rates
  const TensorSet* train = nullptr;
  // Non-empty: fixed views of train's inputs (augment_views), which batches walk
  // through (ViewWalk) instead of augmenting train->images.
  std::vector<torch::Tensor> train_views;
  const TensorSet* val = nullptr;  // may be null: no validation pass
  TrainingRecipe recipe;           // optimizer, schedule, batch size, weight decay, augmentation
  double lr = 0.0;
  int epochs = 0;
  std::string label;  // prefix of progress messages
  // Epochs after which validation runs (ascending); empty: after every epoch.
  // Epochs without it have NaN validation metrics.
  std::vector<int> validate_at;
  // Epochs at which observer.continue_at_rung() may stop training; each is
  // validated.
  std::vector<int> rungs;
  Precision precision;  // of the forward passes; weights, state and loss stay fp32
};

struct FitResult {
  std::vector<EpochMetrics> epochs;
  bool diverged = false;             // a loss went NaN or infinite; training stopped there
  std::optional<int> stopped_epoch;  // successive halving stopped training after it
};

// Seed torch before calling: the shuffles draw from its default generator.
FitResult fit(const FitSetup& setup, TrainingObserver& observer);

struct Score {
  double loss = 0.0;
  double accuracy = 0.0;
};

// Mean cross-entropy and accuracy in inference mode, in batches, under the
// precision's autocast.
Score evaluate(const LogitsFn& logits, const TensorSet& set, const Precision& precision = {});

}  // namespace sweep
