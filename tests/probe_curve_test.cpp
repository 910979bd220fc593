// The probe curve: a probe and LogME after every block boundary of a frozen
// backbone, against features and probes computed independently here.
#include "experiments/train/probe_curve.h"

#include <gtest/gtest.h>

#include "core/catalog.h"
#include "experiments/models/resnet.h"
#include "experiments/train/probe.h"
#include "experiments/train/transferability.h"

namespace sweep {
namespace {

TensorSet shifted_classes(int64_t n) {
  TensorSet set;
  set.labels = torch::arange(n, torch::kInt64).remainder(3);
  set.images = torch::randn({n, 1, 12, 12}) + set.labels.view({n, 1, 1, 1}).to(torch::kFloat) * 0.6;
  set.num_classes = 3;
  return set;
}

TEST(ProbeCurve, EveryBoundaryMatchesAProbeTrainedIndependently) {
  torch::manual_seed(5);
  ResNetBackbone backbone(*find_builtin_arch("resnet10"), 4, InputSpec{1, 12, {0.0f}, {1.0f}});
  const TensorSet train = shifted_classes(300), val = shifted_classes(150);
  TrainingRecipe recipe;
  recipe.batch_size = 32;
  recipe.probe_epochs = 20;
  TrainingObserver observer;
  const std::vector<double> lrs = {0.01, 0.1};
  const std::vector<BoundaryProbe> curve = probe_curve(backbone, train, val, recipe, lrs, observer);
  ASSERT_EQ(curve.size(), 5u);
  const std::vector<std::string> names = backbone.block_names();
  for (int b = 1; b <= 5; ++b) {
    const BoundaryProbe& p = curve[static_cast<size_t>(b - 1)];
    EXPECT_EQ(p.boundary, b);
    EXPECT_EQ(p.block, names[static_cast<size_t>(b - 1)]);
    // Pooled features after blocks [0, b), computed here in one go.
    TensorSet f_train = train, f_val = val;
    {
      torch::NoGradGuard no_grad;
      backbone.set_training(false);
      f_train.images = Backbone::pool(backbone.forward(train.images, 0, b));
      f_val.images = Backbone::pool(backbone.forward(val.images, 0, b));
    }
    EXPECT_EQ(p.feature_dim, f_train.images.size(1));
    EXPECT_NEAR(p.logme, logme(f_train.images, f_train.labels), 1e-6) << b;
    double best = -1.0, best_lr = 0.0, best_fit = 0.0;
    for (double lr : lrs) {
      torch::manual_seed(0);
      torch::nn::Linear head(f_train.images.size(1), 3);
      const FitResult fitted = train_linear_probe(head, f_train, f_val, recipe, lr, observer);
      if (fitted.epochs.back().val_accuracy > best) {
        best = fitted.epochs.back().val_accuracy;
        best_lr = lr;
        best_fit = fitted.epochs.back().train_accuracy;
      }
    }
    EXPECT_NEAR(p.val_accuracy, best, 1e-9) << "boundary " << b;
    EXPECT_DOUBLE_EQ(p.lr, best_lr) << "boundary " << b;
    EXPECT_NEAR(p.train_accuracy, best_fit, 1e-9) << "boundary " << b;
    EXPECT_GT(p.train_accuracy, 0.0);
  }
}

TEST(ProbeCurve, PooledInBatchesAsInOneGo) {
  torch::manual_seed(6);
  ResNetBackbone backbone(*find_builtin_arch("resnet10"), 4, InputSpec{1, 12, {0.0f}, {1.0f}});
  const TensorSet images = shifted_classes(600);  // more than one batch of 256
  const std::vector<TensorSet> pooled = pooled_at_every_boundary(backbone, images);
  ASSERT_EQ(pooled.size(), 5u);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(pooled[2].images,
                              Backbone::pool(backbone.forward(images.images, 0, 3)), 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(pooled[4].labels, images.labels));
}

}  // namespace
}  // namespace sweep
