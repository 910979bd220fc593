// The probe curve: a probe and LogME after every block boundary of a frozen
// backbone, against features and probes computed independently here.
#include "experiments/train/probe_curve.h"

#include <gtest/gtest.h>

#include <cmath>

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

// The four quadrants' channel means, each quadrant's channels together, as the
// curve's 2x2 grid readout lays them out (an odd side gives the middle row or
// column to both halves, as adaptive pooling does).
torch::Tensor grid_by_hand(const torch::Tensor& a) {
  const int64_t h = a.size(2), w = a.size(3);
  std::vector<torch::Tensor> cells;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 2; ++j) {
      const int64_t h0 = i * h / 2, h1 = ((i + 1) * h + 1) / 2;
      const int64_t w0 = j * w / 2, w1 = ((j + 1) * w + 1) / 2;
      cells.push_back(a.slice(2, h0, h1).slice(3, w0, w1).mean({2, 3}));
    }
  }
  // (N, C, 4) flattened channel-major, as adaptive_avg_pool2d(...).flatten(1).
  return torch::stack(cells, 2).flatten(1);
}

// The best validation accuracy of a probe over the learning rates, and that rate.
std::pair<double, double> best_probe_here(const TensorSet& train, const TensorSet& val,
                                          const TrainingRecipe& recipe,
                                          const std::vector<double>& lrs) {
  TrainingObserver observer;
  double best = -1.0, best_lr = 0.0;
  for (double lr : lrs) {
    torch::manual_seed(0);
    torch::nn::Linear head(train.images.size(1), train.num_classes);
    const FitResult fitted = train_linear_probe(head, train, val, recipe, lr, observer);
    if (fitted.epochs.back().val_accuracy > best) {
      best = fitted.epochs.back().val_accuracy;
      best_lr = lr;
    }
  }
  return {best, best_lr};
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
    // Pooled features after blocks [0, b), over the whole image and over each
    // cell of a 2x2 grid, computed here in one go.
    TensorSet f_train = train, f_val = val, g_train = train, g_val = val;
    {
      torch::NoGradGuard no_grad;
      backbone.set_training(false);
      const torch::Tensor a_train = backbone.forward(train.images, 0, b);
      const torch::Tensor a_val = backbone.forward(val.images, 0, b);
      f_train.images = Backbone::pool(a_train);
      f_val.images = Backbone::pool(a_val);
      g_train.images = grid_by_hand(a_train);
      g_val.images = grid_by_hand(a_val);
    }
    EXPECT_EQ(p.feature_dim, f_train.images.size(1));
    EXPECT_NEAR(p.logme, logme(f_train.images, f_train.labels), 1e-6) << b;
    const auto [best, best_lr] = best_probe_here(f_train, f_val, recipe, lrs);
    EXPECT_NEAR(p.val_accuracy, best, 1e-9) << "boundary " << b;
    EXPECT_DOUBLE_EQ(p.lr, best_lr) << "boundary " << b;
    if (b == 5) {
      EXPECT_NEAR(p.grid_val_accuracy, best_probe_here(g_train, g_val, recipe, lrs).first, 1e-9);
    } else {
      EXPECT_TRUE(std::isnan(p.grid_val_accuracy)) << "boundary " << b << ": not asked there";
    }
  }
}

TEST(ProbeCurve, PooledInBatchesAsInOneGo) {
  torch::manual_seed(6);
  ResNetBackbone backbone(*find_builtin_arch("resnet10"), 4, InputSpec{1, 12, {0.0f}, {1.0f}});
  const TensorSet images = shifted_classes(600);  // more than one batch of 256
  const std::vector<BoundaryFeatures> features = features_at_every_boundary(backbone, images);
  ASSERT_EQ(features.size(), 5u);
  torch::NoGradGuard no_grad;
  const torch::Tensor a = backbone.forward(images.images, 0, 3);
  EXPECT_TRUE(torch::allclose(features[2].pooled.images, Backbone::pool(a), 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(features[2].grid.images, grid_by_hand(a), 1e-5, 1e-6));
  EXPECT_EQ(features[2].grid.images.size(1), 4 * features[2].pooled.images.size(1));
  EXPECT_TRUE(torch::equal(features[4].grid.labels, images.labels));
}

}  // namespace
}  // namespace sweep
