// Optimizers, the training loop and the linear probe, on small data the tests
// make.
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "core/grid.h"
#include "counting_observer.h"
#include "data_files.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/device.h"
#include "experiments/train/optim.h"
#include "experiments/train/precision.h"
#include "experiments/train/pretrain.h"
#include "experiments/train/probe.h"
#include "experiments/train/trial.h"
#include "temp_dir.h"
namespace sweep {
namespace {

using testing::CountingObserver;

// A worker runs trial after trial: each must report its own peak, not the
// largest of every trial before it.
TEST(PeakMemory, EachResetStartsAFreshHighWaterMarkOnTheCpu) {
  constexpr int64_t kBig = int64_t{256} << 20;
  {
    const torch::Tensor big = torch::ones({kBig / 4});  // touched, so resident
    EXPECT_GT(big.sum().item<double>(), 0.0);
  }
  const int64_t after_big = peak_memory_bytes(torch::kCPU);
  reset_peak_memory(torch::kCPU);
  const torch::Tensor small = torch::ones({1 << 20});
  const int64_t after_small = peak_memory_bytes(torch::kCPU);
  EXPECT_LT(after_small, after_big - kBig / 2)
      << "the 256 MiB of before the reset still count: " << after_small << " of " << after_big;
  EXPECT_GT(after_small, 0);
}

TEST(Schedule, CosineStepAndConstant) {
  EXPECT_DOUBLE_EQ(scheduled_lr(ScheduleKind::kConstant, 0.1, 7, 10), 0.1);
  EXPECT_DOUBLE_EQ(scheduled_lr(ScheduleKind::kCosine, 0.1, 0, 10), 0.1);
  EXPECT_NEAR(scheduled_lr(ScheduleKind::kCosine, 0.1, 5, 10), 0.05, 1e-12);
  EXPECT_NEAR(scheduled_lr(ScheduleKind::kCosine, 0.1, 10, 10), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(scheduled_lr(ScheduleKind::kStep, 0.1, 4, 10), 0.1);
  EXPECT_NEAR(scheduled_lr(ScheduleKind::kStep, 0.1, 6, 10), 0.01, 1e-12);
  EXPECT_NEAR(scheduled_lr(ScheduleKind::kStep, 0.1, 9, 10), 0.001, 1e-12);
}

TEST(Optimizer, EachGroupLearnsAtItsScaleOfTheRate) {
  TrainingRecipe recipe;
  for (auto kind : {OptimizerKind::kSgd, OptimizerKind::kAdam, OptimizerKind::kAdamW}) {
    recipe.optimizer = kind;
    const std::vector<ParamGroup> groups = {{{torch::zeros({2}, torch::requires_grad())}, 1.0},
                                            {{torch::zeros({3}, torch::requires_grad())}, 0.5},
                                            {{torch::zeros({4}, torch::requires_grad())}, 0.25}};
    auto optimizer = make_optimizer(groups, recipe, 0.4);
    ASSERT_EQ(optimizer->param_groups().size(), 3u);
    EXPECT_DOUBLE_EQ(optimizer->param_groups()[2].options().get_lr(), 0.1);
    EXPECT_EQ(optimizer->param_groups()[1].params()[0].numel(), 3);
    set_learning_rate(*optimizer, groups, 0.2);
    EXPECT_DOUBLE_EQ(optimizer->param_groups()[0].options().get_lr(), 0.2);
    EXPECT_DOUBLE_EQ(optimizer->param_groups()[1].options().get_lr(), 0.1);
    EXPECT_DOUBLE_EQ(optimizer->param_groups()[2].options().get_lr(), 0.05);
  }
}

TEST(Optimizer, ScaledGroupsStepAsFarAsTheirRate) {
  // SGD without momentum or decay: a step moves each parameter by rate x gradient.
  TrainingRecipe recipe;
  recipe.momentum = 0.0;
  recipe.weight_decay = 0.0;
  const torch::Tensor a = torch::zeros({1}, torch::requires_grad());
  const torch::Tensor b = torch::zeros({1}, torch::requires_grad());
  auto optimizer = make_optimizer({{{a}, 1.0}, {{b}, 0.1}}, recipe, 0.5);
  (a + b).sum().backward();
  optimizer->step();
  EXPECT_FLOAT_EQ(a.item<float>(), -0.5F);
  EXPECT_FLOAT_EQ(b.item<float>(), -0.05F);
}

// Features of three Gaussian classes plus noise dimensions.
TensorSet blobs(int64_t n, int64_t dims) {
  TensorSet set;
  set.labels = torch::arange(n, torch::kInt64).remainder(3);
  set.images = torch::randn({n, dims}) * 2 + 3;
  set.images.slice(1, 0, 3) += torch::one_hot(set.labels, 3).to(torch::kFloat) * 4.0;
  set.num_classes = 3;
  return set;
}

FitSetup linear_setup(torch::nn::Linear& head, const TensorSet& train) {
  FitSetup setup;
  setup.logits = [&head](const torch::Tensor& x) { return head->forward(x); };
  setup.set_training = [&head](bool on) { head->train(on); };
  setup.groups = {{head->parameters(), 1.0}};
  setup.train = &train;
  setup.val = &train;
  setup.recipe.batch_size = 32;
  setup.lr = 0.05;
  setup.epochs = 6;
  return setup;
}

TEST(Fit, LearnsAndReportsEachEpoch) {
  torch::manual_seed(1);
  const TensorSet train = blobs(300, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup = linear_setup(head, train);
  setup.epochs = 5;
  CountingObserver observer;
  const FitResult result = fit(setup, observer);
  ASSERT_EQ(result.epochs.size(), 5u);
  EXPECT_FALSE(result.diverged);
  EXPECT_LT(result.epochs.back().train_loss, result.epochs.front().train_loss);
  EXPECT_GT(result.epochs.back().val_accuracy, 0.6);
  EXPECT_DOUBLE_EQ(result.epochs[0].lr, 0.05);
  EXPECT_EQ(observer.calls, 5 * 10);
  EXPECT_DOUBLE_EQ(observer.last, 1.0);
}

TEST(Fit, DetectsDivergence) {
  torch::manual_seed(1);
  const TensorSet train = blobs(64, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup;
  setup.logits = [&head](const torch::Tensor& x) { return head->forward(x) * 1e30; };
  setup.set_training = [](bool) {};
  setup.groups = {{head->parameters(), 1.0}};
  setup.train = &train;
  setup.lr = 1e10;
  setup.epochs = 5;
  TrainingObserver observer;
  const FitResult result = fit(setup, observer);
  EXPECT_TRUE(result.diverged);
  EXPECT_LT(result.epochs.size(), 5u);
}

TEST(Fit, StopsWhenAsked) {
  const TensorSet train = blobs(64, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup;
  setup.logits = [&head](const torch::Tensor& x) { return head->forward(x); };
  setup.set_training = [](bool) {};
  setup.groups = {{head->parameters(), 1.0}};
  setup.train = &train;
  setup.recipe.batch_size = 8;
  setup.lr = 0.1;
  setup.epochs = 3;
  CountingObserver observer;
  observer.stop_after = 3;
  EXPECT_THROW(fit(setup, observer), Interrupted);
  EXPECT_EQ(observer.calls, 3);
}

class RungObserver : public TrainingObserver {
 public:
  bool continue_at_rung(int epoch, double val_accuracy) override {
    asked.push_back({epoch, val_accuracy});
    return keep;
  }
  // Withdrawn from the `withdraw_at`-th question after the rung on (0: never).
  bool withdrawn_after_rung() override { return ++withdrawal_questions == withdraw_at; }
  std::vector<std::pair<int, double>> asked;
  bool keep = true;
  int withdrawal_questions = 0, withdraw_at = 0;
};

TEST(Fit, ValidatesOnlyWhereAskedAndAtEveryRung) {
  torch::manual_seed(1);
  const TensorSet train = blobs(120, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup = linear_setup(head, train);
  setup.validate_at = {3, 6};
  setup.rungs = {2};
  RungObserver observer;
  const FitResult result = fit(setup, observer);
  ASSERT_EQ(result.epochs.size(), 6u);
  for (int epoch = 1; epoch <= 6; ++epoch) {
    const bool validated = epoch == 2 || epoch == 3 || epoch == 6;
    EXPECT_EQ(std::isnan(result.epochs[static_cast<size_t>(epoch - 1)].val_accuracy), !validated)
        << "epoch " << epoch;
  }
  ASSERT_EQ(observer.asked.size(), 1u);
  EXPECT_EQ(observer.asked[0].first, 2);
  EXPECT_DOUBLE_EQ(observer.asked[0].second, result.epochs[1].val_accuracy);
  EXPECT_FALSE(result.stopped_epoch);
}

TEST(Fit, StopsAtARungWhenTheRunnerSaysSo) {
  torch::manual_seed(1);
  const TensorSet train = blobs(120, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup = linear_setup(head, train);
  setup.rungs = {3};
  RungObserver observer;
  observer.keep = false;
  const FitResult result = fit(setup, observer);
  EXPECT_EQ(result.stopped_epoch, 3);
  EXPECT_EQ(result.epochs.size(), 3u) << "the curve so far is kept";
  EXPECT_FALSE(std::isnan(result.epochs.back().val_accuracy));
}

TEST(Fit, AWithdrawnRungStopsTheTrialAfterTheEpochItArrives) {
  torch::manual_seed(1);
  const TensorSet train = blobs(120, 5);
  torch::nn::Linear head(5, 3);
  FitSetup setup = linear_setup(head, train);
  setup.epochs = 8;
  setup.rungs = {3};
  RungObserver observer;
  observer.withdraw_at = 2;  // asked after epochs 4 and 5: withdrawn at 5
  const FitResult result = fit(setup, observer);
  EXPECT_EQ(result.stopped_epoch, 5);
  EXPECT_EQ(result.epochs.size(), 5u);
  EXPECT_EQ(observer.withdrawal_questions, 2) << "never asked before the rung was passed";
  RungObserver never;
  const FitResult full = fit(setup, never);
  EXPECT_FALSE(full.stopped_epoch);
  EXPECT_EQ(never.withdrawal_questions, 4) << "after epochs 4 to 7; not after the last";
}

// A feature that never varies on the training split (a ReLU that never
// fires there) carries nothing the probe can learn; standardising it must not
// turn its untrained weight into a huge one that any later variation (on test
// images, or in a fine-tune starting from the probe) blows up.
TEST(LinearProbe, FeaturesConstantInTrainingGetNoWeight) {
  torch::manual_seed(5);
  TensorSet train = blobs(300, 5);
  train.images.select(1, 4).fill_(0.0);  // dead on every training image
  torch::nn::Linear head(5, 3);
  TrainingRecipe recipe;
  recipe.batch_size = 32;
  recipe.probe_epochs = 20;
  TrainingObserver observer;
  train_linear_probe(head, train, train, recipe, 0.05, observer);
  EXPECT_TRUE(torch::all(head->weight.select(1, 4) == 0).item<bool>()) << head->weight.select(1, 4);
  TensorSet woken = train;
  woken.images.select(1, 4).fill_(3.0);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(head->forward(woken.images), head->forward(train.images)));
}

// The probe must reach the optimum of its objective (cross-entropy plus the L2
// term SGD's weight decay adds), which full-batch L-BFGS finds independently.
TEST(LinearProbe, ConvergesToTheRegularisedOptimum) {
  torch::manual_seed(3);
  auto backbone = std::make_unique<ResNetBackbone>(*find_builtin_arch("resnet10"), 4,
                                                   InputSpec{1, 12, {0.0f}, {1.0f}});
  TensorSet train;
  train.labels = torch::arange(240, torch::kInt64).remainder(3);
  train.images =
      torch::randn({240, 1, 12, 12}) + train.labels.view({240, 1, 1, 1}).to(torch::kFloat) * 0.7;
  train.num_classes = 3;
  TransferModel model(std::move(backbone), 3, 0);
  TrainingRecipe recipe;
  recipe.batch_size = 32;
  recipe.weight_decay = 1e-3;
  recipe.probe_epochs = 100;
  TrainingObserver observer;
  TensorSet features = extract_features(model.backbone(), train);
  train_linear_probe(model.head(), features, features, recipe, 0.05, observer);

  model.head()->eval();
  const auto objective = [&](const torch::Tensor& logits, const torch::Tensor& w,
                             const torch::Tensor& b) {
    return torch::nn::functional::cross_entropy(logits, train.labels) +
           0.5 * recipe.weight_decay * (w.pow(2).sum() + b.pow(2).sum());
  };
  const torch::Tensor mean = features.images.mean(0);
  const torch::Tensor scale = features.images.std(0).clamp_min(1e-6);
  const torch::Tensor z = (features.images - mean) / scale;
  // The probe's weights in standardised coordinates: undo the folding.
  const torch::Tensor w = (model.head()->weight * scale).detach();
  const torch::Tensor b = (model.head()->bias + model.head()->weight.matmul(mean)).detach();
  const double probe = objective(z.matmul(w.t()) + b, w, b).item<double>();

  torch::Tensor w_ref = torch::zeros({3, z.size(1)}, torch::requires_grad());
  torch::Tensor b_ref = torch::zeros({3}, torch::requires_grad());
  torch::optim::LBFGS lbfgs(
      {w_ref, b_ref}, torch::optim::LBFGSOptions(1.0).max_iter(500).line_search_fn("strong_wolfe"));
  lbfgs.step([&] {
    lbfgs.zero_grad();
    auto loss = objective(z.matmul(w_ref.t()) + b_ref, w_ref, b_ref);
    loss.backward();
    return loss;
  });
  const double optimum = objective(z.matmul(w_ref.t()) + b_ref, w_ref, b_ref).item<double>();
  EXPECT_LT(probe, optimum + 0.01) << "probe " << probe << ", optimum " << optimum;

  // Folding: the model on raw images gives the probe's logits.
  EXPECT_TRUE(torch::allclose(model.forward(train.images), z.matmul(w.t()) + b, 1e-3, 1e-3));
}

}  // namespace
}  // namespace sweep
