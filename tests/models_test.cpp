// The built-in backbones and freezing.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/file_write.h"
#include "experiments/models/resnet.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/fit.h"
#include "temp_dir.h"
#include "tensor_checks.h"

namespace sweep {
namespace {

InputSpec grey(int size) { return {1, size, {0.5f}, {0.25f}}; }

std::unique_ptr<ResNetBackbone> tiny_resnet(const char* arch = "resnet10") {
  torch::manual_seed(0);
  return std::make_unique<ResNetBackbone>(*find_builtin_arch(arch), 4, grey(16));
}

// Random images whose class is the sign of their mean brightness.
TensorSet random_task(int64_t n) {
  TensorSet set;
  set.labels = torch::randint(0, 2, {n}, torch::kInt64);
  set.images =
      torch::randn({n, 1, 16, 16}) + set.labels.view({n, 1, 1, 1}).to(torch::kFloat) * 2 - 1;
  set.num_classes = 2;
  return set;
}

using testing::all_equal;
using testing::snapshot;

TEST(ResNet, BlocksAreStemAndStagesInOrder) {
  auto backbone = tiny_resnet();
  EXPECT_EQ(backbone->num_blocks(), 5);
  EXPECT_EQ(backbone->block_names(),
            (std::vector<std::string>{"stem", "stage1", "stage2", "stage3", "stage4"}));
  EXPECT_EQ(backbone->feature_dim(), 32);
  const torch::Tensor x = torch::randn({3, 1, 16, 16});
  backbone->set_training(false);
  EXPECT_EQ(backbone->features(x).sizes(), (std::vector<int64_t>{3, 32}));
  const torch::Tensor mid = backbone->forward(x, 0, 2);
  EXPECT_EQ(mid.sizes(), (std::vector<int64_t>{3, 4, 16, 16}));
  EXPECT_TRUE(torch::allclose(Backbone::pool(backbone->forward(mid, 2, 5)), backbone->features(x)));
}

TEST(ResNet, DeeperArchitectureHasMoreParameters) {
  EXPECT_GT(tiny_resnet("resnet18")->parameter_count(), tiny_resnet("resnet10")->parameter_count());
}

TEST(ResNet, CloneIsIndependent) {
  auto original = tiny_resnet();
  auto copy = original->clone();
  const auto before = snapshot(original->parameters());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : copy->parameters()) p.add_(1.0);
  }
  EXPECT_TRUE(all_equal(before, original->parameters()));
  EXPECT_FALSE(all_equal(before, copy->parameters()));
}

// A backbone's identity follows its weights, statistics and preprocessing, not
// how it was copied or saved.
TEST(ResNet, ContentDigestFollowsWeightsStatisticsAndPreprocessing) {
  auto original = tiny_resnet();
  const std::string digest = content_digest(*original);
  EXPECT_EQ(content_digest(*original->clone()), digest);

  testing::ScopedTempDir dir;
  write_file(real_system(), dir.file("w.pt"), [&](std::ostream& out) { original->save(out); });
  ResNetBackbone loaded(*find_builtin_arch("resnet10"), 4, grey(16));
  loaded.load(dir.file("w.pt"));
  EXPECT_EQ(content_digest(loaded), digest);

  auto nudged = original->clone();
  {
    torch::NoGradGuard no_grad;
    nudged->block_parameters(2).front().view(-1)[0] += 1e-3;
  }
  EXPECT_NE(content_digest(*nudged), digest) << "a weight";
  EXPECT_EQ(weights_digest(*nudged, 2), weights_digest(*original, 2)) << "blocks before it";

  auto moved = original->clone();
  moved->set_training(true);
  moved->features(torch::randn({4, 1, 16, 16}));  // BatchNorm statistics
  EXPECT_NE(content_digest(*moved), digest) << "statistics";

  ResNetBackbone other_mean(*find_builtin_arch("resnet10"), 4, {1, 16, {0.4f}, {0.25f}});
  other_mean.load(dir.file("w.pt"));
  EXPECT_NE(content_digest(other_mean), digest) << "preprocessing";
}

TEST(ResNet, SaveAndLoadKeepWeightsAndStatistics) {
  testing::ScopedTempDir dir;
  auto original = tiny_resnet();
  original->set_training(true);
  original->features(torch::randn({8, 1, 16, 16}));  // moves BatchNorm statistics
  write_file(real_system(), dir.file("w.pt"), [&](std::ostream& out) { original->save(out); });
  ResNetBackbone loaded(*find_builtin_arch("resnet10"), 4, grey(16));
  loaded.load(dir.file("w.pt"));
  EXPECT_TRUE(all_equal(original->parameters(), loaded.parameters()));
  EXPECT_TRUE(all_equal(original->block_buffers(0), loaded.block_buffers(0)));
  ResNetBackbone wrong(*find_builtin_arch("resnet10"), 8, grey(16));
  EXPECT_THROW(wrong.load(dir.file("w.pt")), RuntimeError);
}

TEST(Freeze, TrainableParametersGrowWithDepth) {
  int64_t previous = -1;
  for (int k = 0; k <= 5; ++k) {
    TransferModel model(tiny_resnet(), 3, k);
    int64_t expected = 32 * 3 + 3;
    for (int b = 5 - k; b < 5; ++b) {
      for (const auto& p : model.backbone().block_parameters(b)) expected += p.numel();
    }
    EXPECT_EQ(model.trainable_count(), expected) << k;
    EXPECT_GT(model.trainable_count(), previous);
    previous = model.trainable_count();
    for (int b = 0; b < 5; ++b) {
      for (const auto& p : model.backbone().block_parameters(b)) {
        EXPECT_EQ(p.requires_grad(), b >= 5 - k) << "block " << b << " at depth " << k;
      }
    }
  }
  TransferModel full(tiny_resnet(), 3, 5);
  EXPECT_EQ(full.trainable_count(), full.total_count());
}

// Trains `model` for two epochs: the blocks it trains must move, every other
// block's weights and BatchNorm statistics must stay bit-identical.
void expect_only_trained_blocks_move(TransferModel& model) {
  const BlockRange range = model.trained();
  std::vector<torch::Tensor> frozen, frozen_buffers, trained;
  for (int b = 0; b < model.backbone().num_blocks(); ++b) {
    const bool in_range = b >= range.first && b < range.end;
    auto params = model.backbone().block_parameters(b);
    for (const auto& p : params) EXPECT_EQ(p.requires_grad(), in_range) << "block " << b;
    auto& into = in_range ? trained : frozen;
    into.insert(into.end(), params.begin(), params.end());
    if (!in_range) {
      auto buffers = model.backbone().block_buffers(b);
      frozen_buffers.insert(frozen_buffers.end(), buffers.begin(), buffers.end());
    }
  }
  const auto frozen_before = snapshot(frozen);
  const auto buffers_before = snapshot(frozen_buffers);
  const auto trained_before = snapshot(trained);

  const TensorSet task = random_task(64);
  FitSetup setup;
  setup.logits = [&model](const torch::Tensor& x) { return model.forward(x); };
  setup.set_training = [&model](bool on) { on ? model.train() : model.eval(); };
  setup.groups = {{model.trainable_parameters(), 1.0}};
  setup.train = &task;
  setup.recipe.batch_size = 16;
  setup.lr = 0.1;
  setup.epochs = 2;
  TrainingObserver observer;
  fit(setup, observer);

  EXPECT_TRUE(all_equal(frozen_before, frozen)) << "frozen weights moved";
  EXPECT_TRUE(all_equal(buffers_before, frozen_buffers)) << "frozen BatchNorm statistics moved";
  EXPECT_FALSE(all_equal(trained_before, trained)) << "trainable blocks did not train";
}

TEST(Freeze, FrozenWeightsAndStatisticsAreBitIdenticalAfterTraining) {
  TransferModel model(tiny_resnet(), 2, 2);
  EXPECT_EQ(model.first_trainable_block(), 3);
  expect_only_trained_blocks_move(model);
}

TEST(Freeze, ARangeTrainsOnlyItsBlocksAndLeavesTheOthersBitIdentical) {
  // Blocks after the range too: they pass gradients back without learning.
  TransferModel model(tiny_resnet(), 2, BlockRange{1, 3});
  int64_t expected = 32 * 2 + 2;
  for (int b : {1, 2}) {
    for (const auto& p : model.backbone().block_parameters(b)) expected += p.numel();
  }
  EXPECT_EQ(model.trainable_count(), expected);
  EXPECT_EQ(model.first_trainable_block(), 1);
  expect_only_trained_blocks_move(model);
}

TEST(Freeze, TrainModeKeepsFrozenBlocksInEval) {
  TransferModel model(tiny_resnet(), 2, 2);
  model.train();
  // Evaluation mode is visible through BatchNorm: a batch does not change its statistics.
  const auto stem_stats = snapshot(model.backbone().block_buffers(0));
  const auto last_stats = snapshot(model.backbone().block_buffers(4));
  model.forward(torch::randn({4, 1, 16, 16}));
  EXPECT_TRUE(all_equal(stem_stats, model.backbone().block_buffers(0)));
  EXPECT_FALSE(all_equal(last_stats, model.backbone().block_buffers(4)));
}

TEST(Freeze, FrozenPrefixBuildsNoGraph) {
  TransferModel model(tiny_resnet(), 2, 1);
  const torch::Tensor boundary = model.frozen_prefix(torch::randn({2, 1, 16, 16}));
  EXPECT_FALSE(boundary.requires_grad());
  EXPECT_TRUE(model.from_boundary(boundary).requires_grad());
}

TEST(BlockFlops, CountsConvolutionsAtOutputResolution) {
  auto backbone = tiny_resnet();
  const auto flops = block_flops(*backbone, torch::kCPU);
  ASSERT_EQ(flops.size(), 5u);
  EXPECT_DOUBLE_EQ(flops[0], 2.0 * (4 * 1 * 3 * 3) * 16 * 16);
  // stage1: two 3x3 convolutions 4->4 at 16x16.
  EXPECT_DOUBLE_EQ(flops[1], 2.0 * 2 * (4 * 4 * 3 * 3) * 16 * 16);
  // stage2: 4->8 stride 2, 8->8, and a 1x1 4->8 shortcut, all at 8x8.
  EXPECT_DOUBLE_EQ(flops[2], 2.0 * (8 * 4 * 9 + 8 * 8 * 9 + 8 * 4) * 8 * 8);
}

}  // namespace
}  // namespace sweep
