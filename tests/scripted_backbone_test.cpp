// TorchScript backbones exported from torchvision (with random weights) by the
// make_test_models fixture: loading, blocks, freezing, and bad files.
#include "experiments/models/scripted_backbone.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/errors.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/fit.h"
#include "tensor_checks.h"

namespace sweep {
namespace {

std::string model(const std::string& name) {
  return std::string(SWEEP_TEST_MODELS_DIR) + "/" + name + ".pt";
}

class ScriptedBackboneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(model("resnet18"))) {
      GTEST_SKIP() << "no exported test models in " << SWEEP_TEST_MODELS_DIR
                   << " (the make_test_models fixture needs python3-torchvision)";
    }
  }
};

std::string load_error(const std::string& path) {
  try {
    ScriptedBackbone::load(path);
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "";
}

using testing::all_equal;
using testing::snapshot;

TEST_F(ScriptedBackboneTest, ResNet18BlocksAndFeatures) {
  auto backbone = ScriptedBackbone::load(model("resnet18"));
  EXPECT_EQ(backbone->block_names(),
            (std::vector<std::string>{"stem", "layer1", "layer2", "layer3", "layer4"}));
  EXPECT_EQ(backbone->feature_dim(), 512);
  EXPECT_EQ(backbone->input().channels, 3);
  EXPECT_EQ(backbone->input().size, 32);
  EXPECT_FLOAT_EQ(backbone->input().mean[0], 0.485f);
  backbone->set_training(false);
  EXPECT_EQ(backbone->features(torch::randn({3, 3, 32, 32})).sizes(),
            (std::vector<int64_t>{3, 512}));
  EXPECT_EQ(backbone->parameter_count(), 11176512) << "resnet18 without its 1000-class head";
}

TEST_F(ScriptedBackboneTest, MobileNetV3SmallBlocks) {
  auto backbone = ScriptedBackbone::load(model("mobilenet_v3_small"));
  EXPECT_EQ(backbone->num_blocks(), 13);
  EXPECT_EQ(backbone->block_names().front(), "features0");
  EXPECT_EQ(backbone->feature_dim(), 576);
}

TEST_F(ScriptedBackboneTest, TrainableParametersAtEachDepth) {
  for (const char* name : {"resnet18", "mobilenet_v3_small"}) {
    const int blocks = ScriptedBackbone::load(model(name))->num_blocks();
    int64_t previous = -1;
    for (int k = 0; k <= blocks; ++k) {
      TransferModel m(ScriptedBackbone::load(model(name)), 4, k);
      int64_t expected = m.head()->weight.numel() + m.head()->bias.numel();
      for (int b = blocks - k; b < blocks; ++b) {
        for (const auto& p : m.backbone().block_parameters(b)) expected += p.numel();
      }
      EXPECT_EQ(m.trainable_count(), expected) << name << " at " << k;
      EXPECT_GE(m.trainable_count(), previous) << name << " at " << k;
      previous = m.trainable_count();
      if (k == blocks) {
        EXPECT_EQ(m.trainable_count(), m.total_count()) << name;
      }
    }
  }
}

TEST_F(ScriptedBackboneTest, FrozenWeightsAndBatchNormStatisticsDoNotMove) {
  torch::manual_seed(0);
  TransferModel m(ScriptedBackbone::load(model("resnet18")), 2, 2);
  std::vector<torch::Tensor> frozen, frozen_stats, trained;
  for (int b = 0; b < 5; ++b) {
    auto params = m.backbone().block_parameters(b);
    (b < 3 ? frozen : trained)
        .insert((b < 3 ? frozen : trained).end(), params.begin(), params.end());
    if (b < 3) {
      auto buffers = m.backbone().block_buffers(b);
      frozen_stats.insert(frozen_stats.end(), buffers.begin(), buffers.end());
    }
  }
  ASSERT_FALSE(frozen_stats.empty()) << "resnet18's frozen blocks have BatchNorm statistics";
  const auto frozen_before = snapshot(frozen);
  const auto stats_before = snapshot(frozen_stats);
  const auto trained_before = snapshot(trained);
  TensorSet task;
  task.labels = torch::randint(0, 2, {16}, torch::kInt64);
  task.images = torch::randn({16, 3, 32, 32});
  task.num_classes = 2;
  FitSetup setup;
  setup.logits = [&m](const torch::Tensor& x) { return m.forward(x); };
  setup.set_training = [&m](bool on) { on ? m.train() : m.eval(); };
  setup.groups = {{m.trainable_parameters(), 1.0}};
  setup.train = &task;
  setup.recipe.batch_size = 8;
  setup.lr = 0.05;
  setup.epochs = 2;
  TrainingObserver observer;
  fit(setup, observer);
  EXPECT_TRUE(all_equal(frozen_before, frozen)) << "frozen weights moved";
  EXPECT_TRUE(all_equal(stats_before, frozen_stats)) << "frozen BatchNorm statistics moved";
  EXPECT_FALSE(all_equal(trained_before, trained));
}

TEST_F(ScriptedBackboneTest, ClonesAreIndependentAndTrainable) {
  auto original = ScriptedBackbone::load(model("mobilenet_v3_small"));
  auto copy = original->clone();
  // Regression: the copies were non-leaf tensors, so trials on a clone failed
  // with "can't optimize a non-leaf Tensor".
  for (const auto& p : copy->parameters()) {
    ASSERT_TRUE(p.is_leaf());
    ASSERT_TRUE(p.requires_grad());
  }
  TransferModel m(original->clone(), 2, 1);
  torch::optim::SGD sgd(m.trainable_parameters(), torch::optim::SGDOptions(0.1));
  m.train();
  torch::nn::functional::cross_entropy(m.forward(torch::randn({4, 3, 32, 32})),
                                       torch::tensor({0, 1, 0, 1}, torch::kInt64))
      .backward();
  sgd.step();
  const auto before = snapshot(original->parameters());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : copy->parameters()) p.add_(1.0);
  }
  EXPECT_TRUE(all_equal(before, original->parameters()));
}

// Identity is what a model computes: the same weights and code scripted again
// (other mangled class names, other archive bytes) are the same backbone; the
// same weights behind other code are not.
TEST_F(ScriptedBackboneTest, ContentDigestFollowsCodeAndWeightsNotTheArchive) {
  const std::string relu = content_digest(*ScriptedBackbone::load(model("code_relu")));
  EXPECT_EQ(content_digest(*ScriptedBackbone::load(model("code_relu_again"))), relu);
  EXPECT_NE(content_digest(*ScriptedBackbone::load(model("code_tanh"))), relu);
}

TEST_F(ScriptedBackboneTest, BadFilesSayWhatIsWrong) {
  const std::string dir = SWEEP_TEST_MODELS_DIR;
  EXPECT_EQ(load_error(model("bad_not_torchscript"))
                .rfind(model("bad_not_torchscript") +
                           ": not a TorchScript file (save one with torch.jit.save; see "
                           "scripts/export_torchvision.py): ",
                       0),
            0u);
  EXPECT_EQ(load_error(model("bad_no_metadata")),
            dir +
                "/bad_no_metadata.json: missing; a TorchScript backbone needs its metadata "
                "beside it (scripts/export_torchvision.py writes both)");
  EXPECT_EQ(load_error(model("bad_no_blocks")),
            model("bad_no_blocks") +
                ": the module has no blocks (top-level children); export it with "
                "scripts/export_torchvision.py");
  EXPECT_EQ(load_error(model("bad_names")), model("bad_names") + ": its blocks are (0) but " + dir +
                                                "/bad_names.json lists (stem)");
  EXPECT_EQ(load_error(model("bad_rank")),
            model("bad_rank") +
                ": the output has rank 4; sweep needs the pooled feature vector (rank 2): end the "
                "last block with pooling and a flatten");
}

}  // namespace
}  // namespace sweep
