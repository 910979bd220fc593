// Sweep files: a target's shift chain and ladder of levels, and the grid's
// strategies beside the depths.
#include <gtest/gtest.h>

#include "core/grid.h"
#include "core/spec_json.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

using nlohmann::json;
using testing::errors_of;

TEST(SweepFile, AShiftChainIsReadInOrderAndIsPartOfTheIdentity) {
  json doc = testing::valid_sweep_json();
  doc["targets"][0]["shift"] = json::parse(
      R"([{"rotate": -30}, {"invert": 0.5}, {"blur": 1.5}, {"noise": 0.1}, {"contrast": 0.4},
          {"mix": 0.3, "dataset": "opencv-digits", "classes": [1, 7]}])");
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  const std::vector<ShiftStep>& chain = spec.targets[0].shift;
  ASSERT_EQ(chain.size(), 6u);
  EXPECT_EQ(chain[0].kind, ShiftKind::kRotate);
  EXPECT_EQ(chain[0].amount, -30.0);
  EXPECT_EQ(chain[3].kind, ShiftKind::kNoise);
  EXPECT_EQ(chain[5].kind, ShiftKind::kMix);
  EXPECT_EQ(chain[5].mix.kind, DatasetKind::kOpencvDigits);
  EXPECT_EQ(chain[5].mix.class_ids, (std::vector<int>{1, 7}));
  EXPECT_TRUE(spec.targets[1].shift.empty());

  const json canonical = to_json(spec);
  EXPECT_EQ(to_json(parse_sweep_text(canonical.dump(), "canonical")), canonical);
  const SweepSpec plain = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  EXPECT_FALSE(to_json(plain.targets[0]).contains("shift")) << "targets without keep their ids";
  EXPECT_NE(expand_grid(spec).front().id, expand_grid(plain).front().id);
  doc["targets"][0]["shift"][1]["invert"] = 0.6;
  EXPECT_NE(expand_grid(parse_sweep_text(doc.dump(), "s.json")).front().id,
            expand_grid(spec).front().id);
  std::swap(doc["targets"][0]["shift"][0], doc["targets"][0]["shift"][1]);
  EXPECT_NE(to_json(parse_sweep_text(doc.dump(), "s.json").targets[0]).at("shift"),
            canonical.at("targets")[0].at("shift"))
      << "the order is kept";
}

TEST(SweepFile, LevelsMakeALadderOfTargetsFromOneEntry) {
  json doc = testing::valid_sweep_json();
  doc["targets"][0]["shift"] = json::parse(R"([{"rotate": 90}, {"invert": 1}])");
  doc["targets"][0]["levels"] = {0, 0.25, 1};
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  ASSERT_EQ(spec.targets.size(), 4u);
  EXPECT_EQ(spec.targets[0].name, "near@0");
  EXPECT_EQ(spec.targets[1].name, "near@0.25");
  EXPECT_EQ(spec.targets[2].name, "near@1");
  EXPECT_EQ(spec.targets[3].name, "far");
  EXPECT_EQ(spec.targets[1].similarity, "near, shift 0.25");
  EXPECT_TRUE(spec.targets[0].shift.empty()) << "level 0 is the target as it is";
  ASSERT_EQ(spec.targets[1].shift.size(), 2u);
  EXPECT_EQ(spec.targets[1].shift[0].amount, 22.5);
  EXPECT_EQ(spec.targets[1].shift[1].amount, 0.25);
  EXPECT_EQ(spec.targets[2].shift[0].amount, 90.0);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(spec.targets[i].data.class_ids, spec.targets[0].data.class_ids);
    EXPECT_EQ(spec.targets[i].sample_seed, spec.targets[0].sample_seed) << "the same splits";
  }
  EXPECT_EQ(target_path(spec, 2), "/targets/0");
  EXPECT_EQ(target_path(spec, 3), "/targets/1");
  const json canonical = to_json(spec);
  EXPECT_EQ(to_json(parse_sweep_text(canonical.dump(), "canonical")), canonical)
      << "the canonical form holds the levels as targets";
  EXPECT_EQ(expand_grid(spec).size(), 4u * 3 * 2 * 2);
}

TEST(SweepFile, BadShiftsAndLevelsSayWhatIsExpected) {
  const auto errors_with = [](const json& shift, const json& levels) {
    json doc = testing::valid_sweep_json();
    if (!shift.is_null()) doc["targets"][0]["shift"] = shift;
    if (!levels.is_null()) doc["targets"][0]["levels"] = levels;
    return errors_of(doc);
  };
  EXPECT_EQ(errors_with(json::parse(R"([{"invert": 1.5}])"), nullptr),
            (std::vector<std::string>{"s.json: /targets/0/shift/0/invert: expected the fraction of "
                                      "images inverted, above 0 and at most 1, got 1.5"}));
  EXPECT_EQ(errors_with(json::parse(R"([{"rotate": 0}])"), nullptr),
            (std::vector<std::string>{"s.json: /targets/0/shift/0/rotate: expected degrees, "
                                      "counter-clockwise, not 0, from -360 to 360, got 0"}));
  EXPECT_EQ(errors_with(json::parse(R"([{"blur": 1, "noise": 0.1}])"), nullptr),
            (std::vector<std::string>{"s.json: /targets/0/shift/0: a step names one change, this "
                                      "one names 2; give each its own step, in the order to apply "
                                      "them"}));
  const auto unknown = errors_with(json::parse(R"([{"rotation": 10}])"), nullptr);
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_NE(unknown[0].find("a step names one change: {\"rotate\": degrees"), std::string::npos);
  EXPECT_EQ(unknown[1], "s.json: /targets/0/shift/0/rotation: unknown key");
  EXPECT_EQ(errors_with(json::parse(R"([{"mix": 0.5}])"), nullptr),
            (std::vector<std::string>{"s.json: /targets/0/shift/0: missing key \"dataset\" (one of "
                                      "\"fashion-mnist\", \"opencv-digits\", \"image-folder\")"}));
  EXPECT_EQ(errors_with(json::parse(R"([{"blur": 1, "dataset": "opencv-digits"}])"), nullptr),
            (std::vector<std::string>{"s.json: /targets/0/shift/0/dataset: unknown key"}));
  EXPECT_EQ(errors_with(json::array(), nullptr),
            (std::vector<std::string>{
                "s.json: /targets/0/shift: empty list; give at least one of shift steps"}));
  EXPECT_EQ(errors_with(nullptr, {0.5}),
            (std::vector<std::string>{"s.json: /targets/0/levels: levels of no shift; give the "
                                      "target a \"shift\" to scale"}));
  EXPECT_EQ(
      errors_with(json::parse(R"([{"blur": 1}])"), {0.5, 1.5, 0.5}),
      (std::vector<std::string>{"s.json: /targets/0/levels/1: expected a level from 0 (the "
                                "target as it is) to 1 (the whole shift), got 1.5",
                                "s.json: /targets/0/levels/2: duplicate of /targets/0/levels/0"}));
  json clash = testing::valid_sweep_json();
  clash["targets"][0]["shift"] = json::parse(R"([{"blur": 1}])");
  clash["targets"][0]["levels"] = {0, 1};
  clash["targets"][1]["name"] = "near@1";
  EXPECT_EQ(errors_of(clash),
            (std::vector<std::string>{"s.json: /targets/1/name: duplicate of /targets/0/name"}));
}

TEST(SweepFile, StrategiesAreSettingsBesideTheDepthsWithTheirOwnIdentity) {
  json doc = testing::valid_sweep_json();
  doc["grid"]["strategies"] =
      json::parse(R"([{"blocks": [1, 2]}, {"blocks": 5}, {"lp_ft": "all"}, {"layer_decay": 0.7}])");
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  ASSERT_EQ(spec.grid.strategies.size(), 4u);
  EXPECT_EQ(spec.grid.strategies[0].kind, StrategyKind::kRange);
  EXPECT_EQ(spec.grid.strategies[1].first, 5);
  EXPECT_EQ(spec.grid.strategies[1].last, 5);
  EXPECT_TRUE(spec.grid.strategies[3].depth.all) << "layer decay opens every block by default";
  const json canonical = to_json(spec);
  EXPECT_EQ(to_json(parse_sweep_text(canonical.dump(), "canonical")), canonical);

  const std::vector<TrialSpec> trials = expand_grid(spec);
  const std::vector<TrialSpec> plain =
      expand_grid(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json"));
  ASSERT_EQ(trials.size(), 2u * (3 + 4) * 2 * 2);
  // The depths come first, with the ids they had without strategies.
  constexpr size_t kPerSetting = 4;  // 2 seeds x 2 learning rates
  for (size_t i = 0; i < 3 * kPerSetting; ++i) EXPECT_EQ(trials[i].id, plain[i].id) << i;
  const TrialSpec& range = trials[3 * kPerSetting];
  EXPECT_EQ(range.strategy.kind, StrategyKind::kRange);
  EXPECT_EQ(range.unfrozen, 2);
  EXPECT_EQ(first_trained_block(range), 0);
  EXPECT_EQ(end_trained_block(range), 2);
  const TrialSpec& last_block = trials[4 * kPerSetting];
  EXPECT_EQ(first_trained_block(last_block), 4);
  EXPECT_EQ(end_trained_block(last_block), 5);
  const TrialSpec& lp_ft = trials[5 * kPerSetting];
  EXPECT_EQ(lp_ft.unfrozen, 5);
  EXPECT_EQ(to_json(lp_ft).at("strategy"), json::parse(R"({"lp_ft": 5})")) << "all resolved";
  EXPECT_EQ(first_trained_block(lp_ft), 0);
  const TrialSpec& full = trials[2 * kPerSetting];
  EXPECT_EQ(full.unfrozen, 5);
  EXPECT_NE(full.id, lp_ft.id);
  EXPECT_FALSE(to_json(full).contains("strategy"));
  EXPECT_EQ(to_json(trials[6 * kPerSetting]).at("strategy"),
            json::parse(R"({"layer_decay": 0.7, "unfrozen": 5})"));
  json probed = testing::valid_sweep_json();
  probed["grid"]["strategies"] = json::parse(R"([{"blocks": 5, "from_probe": true}])");
  const TrialSpec from_probe =
      expand_grid(parse_sweep_text(probed.dump(), "s.json"))[3 * kPerSetting];
  EXPECT_TRUE(from_probe.strategy.starts_from_probe());
  EXPECT_EQ(to_json(from_probe).at("strategy"),
            json::parse(R"({"blocks": [5, 5], "from_probe": true})"));
  EXPECT_NE(from_probe.id, last_block.id);
  EXPECT_FALSE(to_json(last_block).at("strategy").contains("from_probe"));
  Diagnostics diag("trial");
  const TrialSpec again = read_trial(to_json(lp_ft), diag);
  EXPECT_TRUE(diag.ok());
  EXPECT_EQ(to_json(again), to_json(lp_ft)) << "a worker reads the strategy back";
}

TEST(SweepFile, BadStrategiesSayWhatIsExpected) {
  const auto errors_with = [](const char* strategies) {
    json doc = testing::valid_sweep_json();
    doc["grid"]["strategies"] = json::parse(strategies);
    return errors_of(doc);
  };
  EXPECT_EQ(errors_with(R"([{"blocks": [2, 1]}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0/blocks: the range ends at block "
                                      "1, before it starts at 2"}));
  EXPECT_EQ(errors_with(R"([{"blocks": [1, 6]}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0: block 6, but backbone tiny "
                                      "(resnet10) has 5; use at most 5"}));
  EXPECT_EQ(errors_with(R"([{"layer_decay": 1.5}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0/layer_decay: expected a factor "
                                      "below 1 (each block learns slower than the one above it), "
                                      "got 1.5"}));
  EXPECT_EQ(errors_with(R"([{"lp_ft": 0}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0: a strategy trains at least one "
                                      "block; head-only is unfrozen 0"}));
  EXPECT_EQ(errors_with(R"([{"lp_ft": 2, "unfrozen": 2}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0/unfrozen: only a "
                                      "\"layer_decay\" strategy takes \"unfrozen\""}));
  EXPECT_EQ(errors_with(R"([{"lp_ft": 2, "from_probe": true}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/0/from_probe: only a \"blocks\" "
                                      "range takes \"from_probe\" (LP-FT always starts from the "
                                      "probe)"}));
  EXPECT_EQ(errors_with(R"([{"lp_ft": 2}, {"lp_ft": 2}])"),
            (std::vector<std::string>{"s.json: /grid/strategies/1: duplicate of "
                                      "/grid/strategies/0"}));
  const auto none = errors_with(R"([{"surgical": 1}])");
  ASSERT_EQ(none.size(), 2u);
  EXPECT_NE(none[0].find("a strategy is one of {\"blocks\": [first, last]}"), std::string::npos);
}

}  // namespace
}  // namespace sweep
