// Strategies: every kind's name, JSON form, trained blocks, learning rates and
// the name of a setting, each checked over every kind.
#include "core/strategy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/json_reader.h"
#include "core/sweep_spec.h"

namespace sweep {
namespace {

using nlohmann::json;

constexpr int kBlocks = 5;

// A strategy of `kind` that trains `unfrozen` of kBlocks blocks: the trailing
// ones, or for a range the last `unfrozen`.
Strategy of_kind(StrategyKind kind, int unfrozen) {
  Strategy s;
  s.kind = kind;
  s.depth = Depth{unfrozen, false};
  s.first = kBlocks - unfrozen + 1;
  s.last = kBlocks;
  s.decay = 0.5;  // read by layer decay alone
  return s;
}

TrialSpec trial_of(const Strategy& strategy, int unfrozen) {
  TrialSpec trial;
  trial.strategy = strategy;
  trial.unfrozen = unfrozen;
  trial.blocks = kBlocks;
  return trial;
}

TEST(Strategy, TheListOfKindsHoldsEveryKindThatHasAName) {
  // strategy_name's switch has no default: a new kind does not compile until it
  // has a name, and then this fails until kStrategyKinds lists it.
  std::set<std::string> names;
  for (int value = 0; value < 64; ++value) {
    const auto kind = static_cast<StrategyKind>(value);
    const std::string name = strategy_name(kind);
    const bool listed =
        std::find(kStrategyKinds.begin(), kStrategyKinds.end(), kind) != kStrategyKinds.end();
    EXPECT_EQ(name != "?", listed) << value;
    if (listed) {
      EXPECT_TRUE(names.insert(name).second) << name << " twice";
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"trailing", "range", "lp-ft", "layer-decay"}));
}

// A trial's identity hashes these forms: they must never change for a
// strategy that exists, or its trials lose their results.
TEST(Strategy, TheJsonFormOfEveryKindIsExactlyAsItWas) {
  Strategy range_from_probe = of_kind(StrategyKind::kRange, 1);
  range_from_probe.from_probe = true;
  Strategy decay_all = of_kind(StrategyKind::kLayerDecay, 0);
  decay_all.depth = Depth{0, true};
  decay_all.decay = 0.7;
  Strategy lp_ft_all = of_kind(StrategyKind::kLpFt, 0);
  lp_ft_all.depth = Depth{0, true};
  const struct {
    Strategy strategy;
    const char* form;
  } cases[] = {
      {of_kind(StrategyKind::kTrailing, 3), R"({"unfrozen":3})"},
      {of_kind(StrategyKind::kRange, 2), R"({"blocks":[4,5]})"},
      {range_from_probe, R"({"blocks":[5,5],"from_probe":true})"},
      {of_kind(StrategyKind::kLpFt, 2), R"({"lp_ft":2})"},
      {lp_ft_all, R"({"lp_ft":"all"})"},
      {of_kind(StrategyKind::kLayerDecay, 2), R"({"layer_decay":0.5,"unfrozen":2})"},
      {decay_all, R"({"layer_decay":0.7,"unfrozen":"all"})"},
  };
  std::set<StrategyKind> seen;
  for (const auto& c : cases) {
    seen.insert(c.strategy.kind);
    EXPECT_EQ(to_json(c.strategy).dump(), c.form);
  }
  EXPECT_EQ(seen, std::set<StrategyKind>(kStrategyKinds.begin(), kStrategyKinds.end()));
}

TEST(Strategy, EveryKindAGridNamesReadsBackFromItsJson) {
  for (const StrategyKind kind : kStrategyKinds) {
    const Strategy strategy = of_kind(kind, 2);
    if (!in_trial_identity(strategy)) continue;  // the grid's "unfrozen", not a strategy
    Diagnostics diag("s.json");
    const Strategy again = read_strategy(to_json(strategy), "/grid/strategies/0", diag);
    EXPECT_TRUE(diag.ok()) << strategy_name(kind);
    EXPECT_EQ(to_json(again), to_json(strategy)) << strategy_name(kind);
  }
}

TEST(Strategy, OnlyTheTrailingBlocksStayOutOfATrialsIdentity) {
  for (const StrategyKind kind : kStrategyKinds) {
    EXPECT_EQ(in_trial_identity(of_kind(kind, 2)), kind != StrategyKind::kTrailing)
        << strategy_name(kind);
  }
}

TEST(Strategy, EachKindTrainsTheBlocksItNames) {
  Strategy middle = of_kind(StrategyKind::kRange, 2);
  middle.first = 2;
  middle.last = 3;
  const struct {
    Strategy strategy;
    int unfrozen, first, end;
  } cases[] = {
      {of_kind(StrategyKind::kTrailing, 0), 0, 5, 5},
      {of_kind(StrategyKind::kTrailing, 2), 2, 3, 5},
      {of_kind(StrategyKind::kRange, 1), 1, 4, 5},
      {middle, 2, 1, 3},
      {of_kind(StrategyKind::kLpFt, 5), 5, 0, 5},
      {of_kind(StrategyKind::kLayerDecay, 2), 2, 3, 5},
  };
  std::set<StrategyKind> seen;
  for (const auto& c : cases) {
    seen.insert(c.strategy.kind);
    const TrialSpec trial = trial_of(c.strategy, c.unfrozen);
    EXPECT_EQ(first_trained_block(trial), c.first) << to_json(c.strategy);
    EXPECT_EQ(end_trained_block(trial), c.end) << to_json(c.strategy);
  }
  EXPECT_EQ(seen, std::set<StrategyKind>(kStrategyKinds.begin(), kStrategyKinds.end()));
}

TEST(Strategy, OnlyLpFtAndARangeThatAsksStartFromTheProbe) {
  for (const StrategyKind kind : kStrategyKinds) {
    EXPECT_EQ(of_kind(kind, 2).starts_from_probe(), kind == StrategyKind::kLpFt)
        << strategy_name(kind);
  }
  Strategy asks = of_kind(StrategyKind::kRange, 1);
  asks.from_probe = true;
  EXPECT_TRUE(asks.starts_from_probe());
}

TEST(Strategy, OnlyLayerDecayGivesBlocksRatesOfTheirOwn) {
  for (const StrategyKind kind : kStrategyKinds) {
    const Strategy strategy = of_kind(kind, 3);
    const bool scales = kind == StrategyKind::kLayerDecay;
    EXPECT_EQ(scales_block_rates(strategy), scales) << strategy_name(kind);
    // Trained blocks 2, 3, 4 of 5; decay 0.5 where it applies.
    EXPECT_EQ(block_lr_scale(strategy, 4, kBlocks), scales ? 0.5 : 1.0) << strategy_name(kind);
    EXPECT_EQ(block_lr_scale(strategy, 3, kBlocks), scales ? 0.25 : 1.0) << strategy_name(kind);
    EXPECT_EQ(block_lr_scale(strategy, 2, kBlocks), scales ? 0.125 : 1.0) << strategy_name(kind);
  }
}

TEST(SettingName, NamesEveryKindAtEveryDepthOneWay) {
  Strategy middle = of_kind(StrategyKind::kRange, 2);
  middle.first = 2;
  middle.last = 3;
  Strategy first_from_probe = of_kind(StrategyKind::kRange, 1);
  first_from_probe.first = first_from_probe.last = 1;
  first_from_probe.from_probe = true;
  Strategy decay = of_kind(StrategyKind::kLayerDecay, 5);
  decay.decay = 0.7;
  const struct {
    Strategy strategy;
    int unfrozen;
    const char* name;
  } cases[] = {
      {of_kind(StrategyKind::kTrailing, 0), 0, "head-only"},
      {of_kind(StrategyKind::kTrailing, 1), 1, "1 block"},
      {of_kind(StrategyKind::kTrailing, 2), 2, "2 blocks"},
      {of_kind(StrategyKind::kTrailing, 5), 5, "5 (all) blocks"},
      {of_kind(StrategyKind::kRange, 1), 1, "block 5 only"},
      {middle, 2, "blocks 2-3 only"},
      {first_from_probe, 1, "block 1 only, from the probe"},
      {of_kind(StrategyKind::kLpFt, 1), 1, "LP-FT, 1 block"},
      {of_kind(StrategyKind::kLpFt, 5), 5, "LP-FT, 5 (all) blocks"},
      {of_kind(StrategyKind::kLayerDecay, 2), 2, "layer decay 0.5, 2 blocks"},
      {decay, 5, "layer decay 0.7, 5 (all) blocks"},
  };
  std::set<StrategyKind> seen;
  for (const auto& c : cases) {
    seen.insert(c.strategy.kind);
    EXPECT_EQ(setting_name(c.strategy, c.unfrozen, kBlocks), c.name);
  }
  EXPECT_EQ(seen, std::set<StrategyKind>(kStrategyKinds.begin(), kStrategyKinds.end()));
}

TEST(SettingName, NoTwoSettingsOfABackboneShareAName) {
  std::set<std::string> names;
  for (const StrategyKind kind : kStrategyKinds) {
    // Head-only is the trailing kind's alone: a strategy trains at least one block.
    for (int unfrozen = kind == StrategyKind::kTrailing ? 0 : 1; unfrozen <= kBlocks; ++unfrozen) {
      const std::string name = setting_name(of_kind(kind, unfrozen), unfrozen, kBlocks);
      EXPECT_TRUE(names.insert(name).second) << name << " twice";
    }
  }
  EXPECT_EQ(names.size(), 6u + 3 * 5);
}

TEST(SettingName, ADepthIsNamedAsItsTrailingSetting) {
  for (int unfrozen = 0; unfrozen <= kBlocks; ++unfrozen) {
    EXPECT_EQ(depth_name(unfrozen, kBlocks),
              setting_name(of_kind(StrategyKind::kTrailing, unfrozen), unfrozen, kBlocks));
  }
  EXPECT_EQ(depth_label(0, kBlocks), "0");
  EXPECT_EQ(depth_label(5, kBlocks), "5 (all)");
}

}  // namespace
}  // namespace sweep
