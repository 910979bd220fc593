// The canonical form round-trips: for specs generated at random over every
// spec type (backbones of each kind, targets of each dataset with shift chains
// of every change, every strategy, recipes of every option, halving, fixed and
// adaptive seeds), writing the canonical form and reading it back with the
// canonical readers gives an equal value, for the sweep and for each trial.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <random>
#include <tuple>

#include "core/grid.h"
#include "core/identity.h"
#include "core/spec_json.h"

namespace sweep {

// Field-by-field equality of the spec types, for the property below.
bool operator==(const DataSpec& a, const DataSpec& b) {
  return std::tie(a.kind, a.path, a.class_ids, a.class_names, a.strict, a.content_sha256) ==
         std::tie(b.kind, b.path, b.class_ids, b.class_names, b.strict, b.content_sha256);
}
bool operator==(const PretrainSpec& a, const PretrainSpec& b) {
  return a.data == b.data &&
         std::tie(a.per_class, a.epochs, a.batch_size, a.lr, a.weight_decay, a.seed) ==
             std::tie(b.per_class, b.epochs, b.batch_size, b.lr, b.weight_decay, b.seed);
}
bool operator==(const BackboneSpec& a, const BackboneSpec& b) {
  return a.pretrain == b.pretrain && std::tie(a.name, a.arch, a.width, a.channels, a.image_size,
                                              a.torchscript, a.content_sha256, a.blocks) ==
                                         std::tie(b.name, b.arch, b.width, b.channels, b.image_size,
                                                  b.torchscript, b.content_sha256, b.blocks);
}
bool operator==(const ShiftStep& a, const ShiftStep& b) {
  return a.kind == b.kind && a.amount == b.amount && (a.kind != ShiftKind::kMix || a.mix == b.mix);
}
bool operator==(const TargetSpec& a, const TargetSpec& b) {
  return a.data == b.data && a.shift == b.shift &&
         std::tie(a.name, a.similarity, a.train_per_class, a.val_per_class, a.test_per_class,
                  a.sample_seed) == std::tie(b.name, b.similarity, b.train_per_class,
                                             b.val_per_class, b.test_per_class, b.sample_seed);
}
bool operator==(const TrainingRecipe& a, const TrainingRecipe& b) {
  return std::tie(a.epochs, a.batch_size, a.optimizer, a.momentum, a.schedule, a.weight_decay,
                  a.image_size, a.probe_epochs, a.augment, a.augment_views, a.precision,
                  a.validate_every) == std::tie(b.epochs, b.batch_size, b.optimizer, b.momentum,
                                                b.schedule, b.weight_decay, b.image_size,
                                                b.probe_epochs, b.augment, b.augment_views,
                                                b.precision, b.validate_every);
}
// The fields each kind has: a range's depth, for one, means nothing.
bool operator==(const Strategy& a, const Strategy& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case StrategyKind::kTrailing:
    case StrategyKind::kLpFt:
      return a.depth == b.depth;
    case StrategyKind::kRange:
      return std::tie(a.first, a.last, a.from_probe) == std::tie(b.first, b.last, b.from_probe);
    case StrategyKind::kLayerDecay:
      return a.depth == b.depth && a.decay == b.decay;
  }
  return false;
}
bool operator==(const GridSpec& a, const GridSpec& b) {
  return std::tie(a.unfrozen, a.strategies, a.lr, a.seeds, a.max_seeds, a.weight_decay,
                  a.batch_size, a.epochs) == std::tie(b.unfrozen, b.strategies, b.lr, b.seeds,
                                                      b.max_seeds, b.weight_decay, b.batch_size,
                                                      b.epochs);
}
bool operator==(const HalvingSpec& a, const HalvingSpec& b) {
  return a.rungs == b.rungs && a.keep == b.keep;
}
bool operator==(const SweepSpec& a, const SweepSpec& b) {
  return std::tie(a.name, a.description, a.backbones, a.targets, a.target_paths, a.grid, a.training,
                  a.halving, a.price_per_device_hour) ==
         std::tie(b.name, b.description, b.backbones, b.targets, b.target_paths, b.grid, b.training,
                  b.halving, b.price_per_device_hour);
}

namespace {

// Valid specs at random: every field drawn from values the readers accept.
class SpecGenerator {
 public:
  explicit SpecGenerator(unsigned seed) : rng_(seed) {}

  SweepSpec sweep() {
    SweepSpec spec;
    spec.name = "s" + std::to_string(below(1000));
    spec.description = pick<std::string>({"", "a study", "quotes \" and \\ and ü"});
    const int backbones = 1 + below(2);
    for (int i = 0; i < backbones; ++i) spec.backbones.push_back(backbone(i));
    const int targets = 1 + below(3);
    for (int i = 0; i < targets; ++i) {
      spec.targets.push_back(target(i));
      spec.target_paths.push_back("/targets/" + std::to_string(i));
    }
    spec.grid = grid(min_blocks(spec));
    spec.training = recipe();
    if (coin()) {
      HalvingSpec halving;
      halving.rungs = coin() ? std::vector<double>{0.5} : std::vector<double>{0.3, 0.6};
      halving.keep = pick<double>({0.5, 0.75});
      spec.halving = halving;
    }
    if (coin()) spec.price_per_device_hour = pick<double>({0.0, 2.5, 0.123456789});
    return spec;
  }

 private:
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 1; }
  template <typename T>
  T pick(std::initializer_list<T> values) {
    return *(values.begin() + below(static_cast<int>(values.size())));
  }
  std::string digest() { return coin() ? "" : std::string(64, "0123456789abcdef"[below(16)]); }

  static int min_blocks(const SweepSpec& spec) {
    int blocks = 1000;
    for (const BackboneSpec& b : spec.backbones) {
      blocks = std::min(blocks, b.is_torchscript() ? b.blocks : 5);
    }
    return blocks;
  }

  DataSpec data(bool builtin_only) {
    DataSpec data;
    data.kind = builtin_only ? pick({DatasetKind::kFashionMnist, DatasetKind::kOpencvDigits})
                             : pick({DatasetKind::kFashionMnist, DatasetKind::kOpencvDigits,
                                     DatasetKind::kImageFolder});
    if (data.kind == DatasetKind::kImageFolder) {
      data.path = pick<std::string>({"/photos", "/data/my photos"});
      if (coin()) data.class_names = {"cats", "dogs"};
      data.strict = coin();
    } else {
      data.path = pick<std::string>({"", "/elsewhere/fashion"});
      if (coin()) data.class_ids = {3, 1, 7};
    }
    data.content_sha256 = digest();
    return data;
  }

  BackboneSpec backbone(int i) {
    BackboneSpec backbone;
    backbone.name = "b" + std::to_string(i);
    if (coin()) {
      backbone.torchscript = pick<std::string>({"/models/r18.pt", "/m/x y.pt"});
      backbone.content_sha256 = digest();
      backbone.blocks = 3 + below(6);
      backbone.channels = pick({1, 3});
      backbone.image_size = pick({32, 112, 224});
      return backbone;
    }
    backbone.arch = pick<std::string>({"resnet10", "resnet18"});
    backbone.width = pick({8, 16});
    backbone.channels = pick({1, 3});
    backbone.image_size = pick({20, 28, 32});
    backbone.pretrain.data = data(/*builtin_only=*/true);
    backbone.pretrain.per_class = pick({100, 500});
    backbone.pretrain.epochs = 1 + below(3);
    backbone.pretrain.batch_size = pick({64, 128});
    backbone.pretrain.lr = pick({0.05, 0.1});
    backbone.pretrain.weight_decay = pick({0.0, 5e-4});
    backbone.pretrain.seed = below(5);
    return backbone;
  }

  ShiftStep shift_step() {
    ShiftStep step;
    step.kind = pick({ShiftKind::kRotate, ShiftKind::kInvert, ShiftKind::kBlur, ShiftKind::kNoise,
                      ShiftKind::kContrast, ShiftKind::kMix});
    step.amount = step.kind == ShiftKind::kRotate ? pick({-30.0, 90.0}) : pick({0.25, 0.5});
    if (step.kind == ShiftKind::kMix) step.mix = data(/*builtin_only=*/false);
    return step;
  }

  TargetSpec target(int i) {
    TargetSpec target;
    target.name = "t" + std::to_string(i);
    target.similarity = pick<std::string>({"", "near", "far, shift 0.5"});
    target.data = data(/*builtin_only=*/false);
    if (coin()) target.train_per_class = pick({10, 50});
    target.val_per_class = pick({20, 100});
    target.test_per_class = pick({20, 200});
    target.sample_seed = below(3);
    for (int k = below(3); k > 0; --k) target.shift.push_back(shift_step());
    return target;
  }

  Depth depth(int blocks) { return coin() ? Depth{0, true} : Depth{below(blocks), false}; }

  Strategy strategy(int blocks) {
    Strategy s;
    s.kind = pick({StrategyKind::kRange, StrategyKind::kLpFt, StrategyKind::kLayerDecay});
    switch (s.kind) {
      case StrategyKind::kTrailing:
        break;
      case StrategyKind::kRange:
        s.first = 1 + below(blocks);
        s.last = s.first + below(blocks - s.first + 1);
        s.from_probe = coin();
        break;
      case StrategyKind::kLpFt:
        s.depth = coin() ? Depth{0, true} : Depth{1 + below(blocks - 1), false};
        break;
      case StrategyKind::kLayerDecay:
        s.decay = pick({0.5, 0.7});
        s.depth = coin() ? Depth{0, true} : Depth{2 + below(blocks - 2), false};
        break;
    }
    return s;
  }

  GridSpec grid(int blocks) {
    GridSpec grid;
    grid.unfrozen = {Depth{0, false}};
    if (coin()) grid.unfrozen.push_back(Depth{1, false});
    if (coin()) grid.unfrozen.push_back(Depth{0, true});
    if (coin()) grid.strategies.push_back(strategy(blocks));
    grid.lr = coin() ? std::vector<double>{0.01} : std::vector<double>{3e-05, 0.1};
    if (coin()) {
      grid.seeds = {0, 1};
      grid.max_seeds = pick({2, 8});
    } else {
      grid.seeds = coin() ? std::vector<int>{0} : std::vector<int>{4, 2};
    }
    if (coin()) grid.weight_decay = {0.0, 1e-4};
    if (coin()) grid.batch_size = {32};
    if (coin()) grid.epochs = {2, 4};
    return grid;
  }

  TrainingRecipe recipe() {
    TrainingRecipe r;
    r.epochs = 1 + below(20);
    r.batch_size = pick({16, 64});
    r.optimizer = pick({OptimizerKind::kSgd, OptimizerKind::kAdam, OptimizerKind::kAdamW});
    r.momentum = pick({0.0, 0.9});
    r.schedule = pick({ScheduleKind::kConstant, ScheduleKind::kCosine, ScheduleKind::kStep});
    r.weight_decay = pick({0.0, 5e-4});
    r.image_size = pick({0, 32});
    r.probe_epochs = pick({10, 100});
    r.augment = pick({AugmentKind::kNone, AugmentKind::kCrop, AugmentKind::kCropFlip});
    if (r.augment != AugmentKind::kNone) r.augment_views = pick({0, 1, 4});
    r.precision = pick(
        {PrecisionKind::kFp32, PrecisionKind::kBf16, PrecisionKind::kFp16, PrecisionKind::kAuto});
    r.validate_every = pick({0, 2});
    return r;
  }

  std::mt19937 rng_;
};

constexpr unsigned kCases = 500;

TEST(SpecRoundTrip, CanonicalSweepReadsBackEqual) {
  for (unsigned seed = 0; seed < kCases; ++seed) {
    const SweepSpec spec = SpecGenerator(seed).sweep();
    Diagnostics diag("canonical");
    const SweepSpec again = read_canonical_sweep(to_json(spec), diag);
    ASSERT_TRUE(diag.ok()) << "seed " << seed << ": " << diag.messages().front() << "\n"
                           << to_json(spec).dump(2);
    ASSERT_TRUE(again == spec) << "seed " << seed << ":\n"
                               << to_json(spec).dump(2) << "\nread back as\n"
                               << to_json(again).dump(2);
  }
}

TEST(SpecRoundTrip, CanonicalTrialsReadBackEqualWithTheirIds) {
  // Fewer: expanding a generated grid is most of the test's time.
  for (unsigned seed = 0; seed < kCases / 5; ++seed) {
    const SweepSpec spec = SpecGenerator(seed).sweep();
    const std::vector<TrialSpec> trials = expand_grid(spec);
    // A dozen spread over the grid: every axis varies between them.
    const size_t step = std::max<size_t>(1, trials.size() / 12);
    for (size_t i = 0; i < trials.size(); i += step) {
      const TrialSpec& trial = trials[i];
      Diagnostics diag("trial");
      TrialSpec again = read_trial(to_json(trial), diag);
      ASSERT_TRUE(diag.ok()) << "seed " << seed << ": " << diag.messages().front();
      // How often it validates is how it runs, not what it is: it travels in
      // the trial's schedule, outside its canonical form.
      EXPECT_FALSE(to_json(trial).at("training").contains("validate_every"));
      again.recipe.validate_every = trial.recipe.validate_every;
      EXPECT_EQ(trial_id(again), trial.id) << "seed " << seed;
      ASSERT_TRUE(again.backbone == trial.backbone && again.target == trial.target &&
                  again.recipe == trial.recipe && again.strategy == trial.strategy &&
                  std::tie(again.unfrozen, again.blocks, again.lr, again.seed) ==
                      std::tie(trial.unfrozen, trial.blocks, trial.lr, trial.seed))
          << "seed " << seed << ":\n"
          << to_json(trial).dump(2);
    }
  }
}

// The file a user writes may not set what sweep fills in itself.
TEST(SpecRoundTrip, ASweepFileMayNotSetWhatSweepFillsIn) {
  SweepSpec spec = SpecGenerator(7).sweep();
  spec.backbones = {spec.backbones.front()};
  spec.backbones[0].torchscript = "/m/r.pt";
  spec.backbones[0].content_sha256 = std::string(64, 'a');
  spec.backbones[0].blocks = 5;
  spec.targets.resize(1);
  spec.target_paths.resize(1);
  spec.targets[0].data.content_sha256 = std::string(64, 'b');
  Diagnostics diag("s.json");
  read_sweep_file(to_json(spec), diag);
  const auto& messages = diag.messages();
  EXPECT_NE(std::find(messages.begin(), messages.end(), "s.json: /targets/0/content: unknown key"),
            messages.end());
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      "s.json: /backbones/0/channels: only built-in backbones take \"channels\"; "
                      "a TorchScript backbone brings its own (see its metadata file)"),
            messages.end());
}

// Where the files lie is not part of any identity; what they hold is.
TEST(TrialIdentity, PathsAreNotPartOfTheIdContentDigestsAre) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    SweepSpec spec = SpecGenerator(seed).sweep();
    SweepSpec moved = spec;
    for (BackboneSpec& b : moved.backbones) {
      if (b.is_torchscript()) b.torchscript = "/somewhere/else/renamed.pt";
    }
    for (TargetSpec& t : moved.targets) {
      if (t.data.kind == DatasetKind::kImageFolder) t.data.path = "/mnt/cluster/photos";
    }
    SweepSpec changed = spec;
    changed.targets[0].data.content_sha256 = "changed";
    const auto trials = expand_grid(spec);
    const auto moved_trials = expand_grid(moved);
    const auto changed_trials = expand_grid(changed);
    for (size_t i = 0; i < trials.size(); ++i) {
      EXPECT_EQ(moved_trials[i].id, trials[i].id) << "seed " << seed;
      EXPECT_EQ(pretrain_key(moved_trials[i].backbone), pretrain_key(trials[i].backbone));
      EXPECT_EQ(target_key(moved_trials[i].target), target_key(trials[i].target));
      const bool first_target = trials[i].target.name == spec.targets[0].name;
      EXPECT_EQ(changed_trials[i].id != trials[i].id, first_target) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace sweep
