// Pretraining and whole trials, on small data the tests make.
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

class TrialTest : public ::testing::Test {
 protected:
  TrialTest() {
    testing::write_fashion_folder(dir_.file("fm"), 40, 20);
    backbone_.name = "tiny";
    backbone_.width = 4;
    backbone_.image_size = 16;
    backbone_.pretrain.data.path = dir_.file("fm");
    backbone_.pretrain.data.class_ids = {0, 1, 2};
    backbone_.pretrain.per_class = 30;
    backbone_.pretrain.epochs = 1;
    backbone_.pretrain.batch_size = 16;
    target_.name = "near";
    target_.data.path = dir_.file("fm");
    target_.data.class_ids = {3, 4};
    target_.train_per_class = 20;
    target_.val_per_class = 10;
    target_.test_per_class = 10;
  }

  TrialSpec trial(int unfrozen) const {
    TrialSpec t;
    t.backbone = backbone_;
    t.target = target_;
    t.blocks = 5;
    t.unfrozen = unfrozen;
    t.lr = 0.05;
    t.recipe.epochs = 2;
    t.recipe.batch_size = 8;
    t.recipe.probe_epochs = 3;
    return t;
  }

  testing::ScopedTempDir dir_;
  BackboneSpec backbone_;
  TargetSpec target_;
};

TEST_F(TrialTest, PretrainsOnceThenUsesTheCache) {
  CountingObserver observer;
  const PretrainedBackbone first =
      load_or_pretrain(backbone_, dir_.file("cache"), torch::kCPU, observer);
  EXPECT_TRUE(first.trained_now);
  EXPECT_GT(observer.calls, 0) << "pretraining reports progress";
  EXPECT_GE(first.record.source_accuracy, 0.0);
  EXPECT_EQ(first.record.source, "fashion-mnist classes 0,1,2 (30 per class)");
  const PretrainedBackbone second =
      load_or_pretrain(backbone_, dir_.file("cache"), torch::kCPU, observer);
  EXPECT_FALSE(second.trained_now);
  EXPECT_DOUBLE_EQ(second.record.source_accuracy, first.record.source_accuracy);
  auto a = first.backbone->parameters();
  auto b = second.backbone->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
  EXPECT_EQ(first.backbone->input().mean, second.backbone->input().mean);
}

TEST_F(TrialTest, HeadOnlyAndFineTuneProduceCompleteResults) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  const TrialResult head = run_trial(trial(0), resources, observer);
  const TrialResult full = run_trial(trial(5), resources, observer);
  EXPECT_EQ(head.epochs.size(), 3u) << "head-only runs probe_epochs";
  EXPECT_EQ(full.epochs.size(), 2u);
  EXPECT_EQ(head.trainable_params, 4 * 8 * 2 + 2);
  EXPECT_EQ(full.trainable_params, full.total_params);
  EXPECT_LT(head.train_flops, full.train_flops);
  for (const TrialResult* r : {&head, &full}) {
    EXPECT_GE(r->test_accuracy, 0.0);
    EXPECT_LE(r->test_accuracy, 1.0);
    EXPECT_GT(r->train_seconds, 0.0);
    EXPECT_EQ(r->device_seconds, 0.0) << "the scheduler, which knows the slot's share, writes it";
    EXPECT_GT(r->peak_memory_bytes, 0);
    EXPECT_EQ(r->device, "cpu");
    EXPECT_EQ(r->environment.torch_version, TORCH_VERSION);
  }
}

TEST_F(TrialTest, SameSeedSameResult) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  const TrialResult a = run_trial(trial(2), resources, observer);
  const TrialResult b = run_trial(trial(2), resources, observer);
  EXPECT_DOUBLE_EQ(a.epochs.back().train_loss, b.epochs.back().train_loss);
  EXPECT_DOUBLE_EQ(a.test_accuracy, b.test_accuracy);
}

// A head-only trial trains its probe in fp32 and records "fp32" whatever the
// recipe asks; its validation and test passes must then run in fp32 too.
TEST_F(TrialTest, HeadOnlyTrialsAreEvaluatedInThePrecisionTheyRecord) {
  if (!cpu_has_native_bf16()) GTEST_SKIP() << "this CPU has no native bf16: both runs are fp32";
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  TrialSpec bf16 = trial(0);
  bf16.recipe.precision = PrecisionKind::kBf16;
  const TrialResult a = run_trial(trial(0), resources, observer);
  const TrialResult b = run_trial(bf16, resources, observer);
  EXPECT_EQ(b.precision, "fp32");
  EXPECT_DOUBLE_EQ(a.val_loss, b.val_loss);
  EXPECT_DOUBLE_EQ(a.test_loss, b.test_loss);
}

TEST_F(TrialTest, ResultsWithAndWithoutTheFeatureCacheAgree) {
  TrialResources cached(torch::kCPU, dir_.file("cache"));
  TrialResources uncached(torch::kCPU, dir_.file("cache"), std::nullopt);
  TrainingObserver observer;
  for (int unfrozen : {0, 2, 4}) {
    const TrialResult a = run_trial(trial(unfrozen), cached, observer);
    const TrialResult b = run_trial(trial(unfrozen), uncached, observer);
    EXPECT_EQ(a.frozen_input, FrozenInput::kComputed) << unfrozen;
    EXPECT_EQ(b.frozen_input, FrozenInput::kOff) << unfrozen;
    ASSERT_EQ(a.epochs.size(), b.epochs.size());
    for (size_t e = 0; e < a.epochs.size(); ++e) {
      EXPECT_NEAR(a.epochs[e].train_loss, b.epochs[e].train_loss, 1e-4) << unfrozen;
      EXPECT_NEAR(a.epochs[e].val_loss, b.epochs[e].val_loss, 1e-4) << unfrozen;
    }
    EXPECT_NEAR(a.test_loss, b.test_loss, 1e-4) << unfrozen;
    EXPECT_DOUBLE_EQ(a.test_accuracy, b.test_accuracy) << unfrozen;
    EXPECT_EQ(a.trainable_params, b.trainable_params);
  }
  EXPECT_EQ(run_trial(trial(2), cached, observer).frozen_input, FrozenInput::kMemory);
  EXPECT_EQ(run_trial(trial(5), cached, observer).frozen_input, FrozenInput::kNone)
      << "nothing frozen";
  TrialResources another_process(torch::kCPU, dir_.file("cache"));
  EXPECT_EQ(run_trial(trial(2), another_process, observer).frozen_input, FrozenInput::kDisk);
}

TEST_F(TrialTest, AugmentingTrialsRunTheirFrozenBlocks) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  TrialSpec augmented = trial(2);
  augmented.recipe.augment = AugmentKind::kCrop;
  const TrialResult a = run_trial(augmented, resources, observer);
  EXPECT_EQ(a.frozen_input, FrozenInput::kAugmentation);
  const TrialResult plain = run_trial(trial(2), resources, observer);
  EXPECT_NE(a.epochs.front().train_loss, plain.epochs.front().train_loss);
  augmented.unfrozen = 0;
  EXPECT_EQ(run_trial(augmented, resources, observer).frozen_input, FrozenInput::kComputed)
      << "the probe trains on features of the plain images";
}

// Fixed views are what makes an augmenting trial cacheable: the cache computes
// them once, and a worker without the cache computes the same views itself.
TEST_F(TrialTest, AugmentedViewsTrainAtTheBoundaryWithOrWithoutTheCache) {
  TrialResources cached(torch::kCPU, dir_.file("cache"));
  TrialResources uncached(torch::kCPU, dir_.file("cache"), std::nullopt);
  TrainingObserver observer;
  TrialSpec viewed = trial(2);
  viewed.recipe.augment = AugmentKind::kCropFlip;
  viewed.recipe.augment_views = 3;
  const TrialResult a = run_trial(viewed, cached, observer);
  const TrialResult b = run_trial(viewed, uncached, observer);
  EXPECT_EQ(a.frozen_input, FrozenInput::kComputed);
  EXPECT_EQ(b.frozen_input, FrozenInput::kOff);
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_NEAR(a.epochs[e].train_loss, b.epochs[e].train_loss, 1e-4) << e;
  }
  EXPECT_DOUBLE_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_LT(a.train_flops, run_trial(trial(5), cached, observer).train_flops)
      << "the frozen prefix is not trained through";

  const TrialResult again = run_trial(viewed, cached, observer);
  EXPECT_EQ(again.frozen_input, FrozenInput::kMemory);
  EXPECT_DOUBLE_EQ(again.epochs.back().train_loss, a.epochs.back().train_loss);
  TrialResources another_process(torch::kCPU, dir_.file("cache"));
  const TrialResult from_disk = run_trial(viewed, another_process, observer);
  EXPECT_EQ(from_disk.frozen_input, FrozenInput::kDisk);
  EXPECT_DOUBLE_EQ(from_disk.epochs.back().train_loss, a.epochs.back().train_loss);

  TrialSpec every_step = viewed;
  every_step.recipe.augment_views = 0;
  TrialSpec one_view = viewed;
  one_view.recipe.augment_views = 1;
  for (const TrialSpec& other : {every_step, one_view, trial(2)}) {
    EXPECT_NE(run_trial(other, cached, observer).epochs.front().train_loss,
              a.epochs.front().train_loss)
        << other.recipe.augment_views << " views, " << augment_name(other.recipe.augment);
  }
}

class MessageObserver : public TrainingObserver {
 public:
  void progress(double, const std::string& message) override {
    if (messages.empty() || messages.back() != message) messages.push_back(message);
  }
  std::vector<std::string> messages;
};

TEST_F(TrialTest, StrategiesTrainWhatTheySayAndCostWhatTheyTrain) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  TrialSpec first_block = trial(1);
  first_block.strategy.kind = StrategyKind::kRange;
  first_block.strategy.first = first_block.strategy.last = 1;
  TrialSpec last_block = trial(1);
  const TrialResult range = run_trial(first_block, resources, observer);
  const TrialResult trailing = run_trial(last_block, resources, observer);
  const auto& backbone = *resources.backbone(backbone_, observer).backbone;
  const auto count = [](const std::vector<torch::Tensor>& params) {
    int64_t n = 0;
    for (const auto& p : params) n += p.numel();
    return n;
  };
  const int64_t head = 32 * 2 + 2;  // width 4: 32 features, 2 classes
  EXPECT_EQ(range.trainable_params, count(backbone.block_parameters(0)) + head);
  EXPECT_EQ(trailing.trainable_params, count(backbone.block_parameters(4)) + head);
  EXPECT_EQ(range.frozen_input, FrozenInput::kNone) << "nothing before the stem to cache";
  EXPECT_GT(range.train_flops, trailing.train_flops)
      << "the gradient passes back through every block after the stem";
  // A range that starts later reads its frozen prefix from the cache that the
  // trailing trials with the same boundary filled.
  TrialSpec middle = trial(1);
  middle.strategy.kind = StrategyKind::kRange;
  middle.strategy.first = middle.strategy.last = 3;
  run_trial(trial(3), resources, observer);
  const TrialResult middle_block = run_trial(middle, resources, observer);
  EXPECT_EQ(middle_block.frozen_input, FrozenInput::kMemory);
  EXPECT_EQ(middle_block.trainable_params, count(backbone.block_parameters(2)) + head);

  TrialSpec decay = trial(5);
  decay.strategy.kind = StrategyKind::kLayerDecay;
  decay.strategy.decay = 0.5;
  const TrialResult decayed = run_trial(decay, resources, observer);
  const TrialResult full = run_trial(trial(5), resources, observer);
  EXPECT_EQ(decayed.trainable_params, full.trainable_params);
  EXPECT_NE(decayed.val_loss, full.val_loss) << "slower lower blocks learn something else";
}

TEST_F(TrialTest, LpFtFineTunesFromTheTrainedProbe) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  resources.backbone(backbone_, observer);  // pretrained before anything is watched
  TrialSpec lp_ft = trial(2);
  lp_ft.strategy.kind = StrategyKind::kLpFt;
  MessageObserver seen;
  const TrialResult from_probe = run_trial(lp_ft, resources, seen);
  ASSERT_GE(seen.messages.size(), 2u);
  EXPECT_EQ(seen.messages.front(), "head-only probe, epoch 1/3") << "the probe comes first";
  EXPECT_EQ(seen.messages.back(), "epoch 2/2") << "then the fine-tune";
  // The probe is the head-only trial's, at the same rate and seed; the curve
  // starts from it at epoch 0.
  const TrialResult head_only = run_trial(trial(0), resources, observer);
  ASSERT_EQ(from_probe.epochs.size(), 3u);
  EXPECT_EQ(from_probe.epochs[0].epoch, 0);
  EXPECT_TRUE(std::isnan(from_probe.epochs[0].train_loss));
  EXPECT_DOUBLE_EQ(from_probe.epochs[0].val_accuracy, head_only.val_accuracy);
  EXPECT_NEAR(from_probe.epochs[0].val_loss, head_only.val_loss, 1e-4);
  EXPECT_EQ(from_probe.epochs[2].epoch, 2);
  const TrialResult from_scratch = run_trial(trial(2), resources, observer);
  EXPECT_EQ(from_probe.trainable_params, from_scratch.trainable_params);
  EXPECT_GT(from_probe.train_flops, from_scratch.train_flops) << "the probe is counted";

  // A block range can start from the probe too.
  TrialSpec surgical = trial(1);
  surgical.strategy.kind = StrategyKind::kRange;
  surgical.strategy.first = surgical.strategy.last = 2;
  surgical.strategy.from_probe = true;
  const TrialResult ranged = run_trial(surgical, resources, observer);
  ASSERT_EQ(ranged.epochs.size(), 3u);
  EXPECT_DOUBLE_EQ(ranged.epochs[0].val_accuracy, head_only.val_accuracy);
  surgical.strategy.from_probe = false;
  EXPECT_EQ(run_trial(surgical, resources, observer).epochs.size(), 2u);
}

TEST_F(TrialTest, TrialsDoNotChangeTheSharedBackbone) {
  TrialResources resources(torch::kCPU, dir_.file("cache"));
  TrainingObserver observer;
  const auto before = resources.backbone(backbone_, observer).backbone->clone()->parameters();
  run_trial(trial(5), resources, observer);
  const auto after = resources.backbone(backbone_, observer).backbone->parameters();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], after[i]));
}

}  // namespace
}  // namespace sweep
