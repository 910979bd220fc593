#include "core/sweep_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <typeinfo>

#include "core/errors.h"
#include "core/grid.h"
#include "core/spec_json.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

using nlohmann::json;

std::vector<std::string> errors_of_text(const std::string& text) {
  try {
    parse_sweep_text(text, "s.json");
  } catch (const InputError& e) {
    return e.lines();
  }
  return {};
}

std::vector<std::string> errors_of(const json& document) {
  return errors_of_text(document.dump(2));
}

TEST(SweepFile, ParsesTheFixture) {
  const SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  EXPECT_EQ(spec.name, "unit");
  ASSERT_EQ(spec.backbones.size(), 1u);
  EXPECT_EQ(spec.backbones[0].width, 8);
  EXPECT_EQ(spec.backbones[0].pretrain.data.class_ids, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(spec.targets.size(), 2u);
  EXPECT_EQ(spec.targets[1].data.kind, DatasetKind::kOpencvDigits);
  EXPECT_EQ(spec.targets[1].train_per_class, 40);
  EXPECT_EQ(spec.targets[1].val_per_class, 100);
  EXPECT_EQ(spec.grid.unfrozen.size(), 3u);
  EXPECT_TRUE(spec.grid.unfrozen[2].all);
  EXPECT_EQ(spec.training.epochs, 2);
  EXPECT_EQ(spec.training.optimizer, OptimizerKind::kSgd);
  EXPECT_FALSE(spec.price_per_device_hour.has_value());
}

TEST(SweepFile, ClassNamesMapToIds) {
  json doc = testing::valid_sweep_json();
  doc["targets"][0]["classes"] = {"Dress", "Coat"};
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  EXPECT_EQ(spec.targets[0].data.class_ids, (std::vector<int>{3, 4}));
}

TEST(SweepFile, RepeatsBecomeSeeds) {
  json doc = testing::valid_sweep_json();
  doc["grid"].erase("seeds");
  doc["grid"]["repeats"] = 3;
  EXPECT_EQ(parse_sweep_text(doc.dump(), "s.json").grid.seeds, (std::vector<int>{0, 1, 2}));
}

TEST(SweepFile, CanonicalFormReadsBack) {
  const SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  const json canonical = to_json(spec);
  const SweepSpec again = parse_sweep_text(canonical.dump(), "canonical");
  EXPECT_EQ(to_json(again), canonical);
}

TEST(SweepFile, AugmentationIsReadAndChangesTrialIdentity) {
  json doc = testing::valid_sweep_json();
  const json plain = to_json(parse_sweep_text(doc.dump(), "s.json").training);
  EXPECT_FALSE(plain.contains("augment")) << "off by default and left out";
  doc["training"]["augment"] = "crop-flip";
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  EXPECT_EQ(spec.training.augment, AugmentKind::kCropFlip);
  EXPECT_EQ(to_json(spec.training).at("augment"), "crop-flip");
  EXPECT_NE(expand_grid(spec).front().id,
            expand_grid(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")).front().id);
  doc["training"]["augment"] = "crpo";
  EXPECT_EQ(errors_of(doc),
            (std::vector<std::string>{"s.json: /training/augment: unknown augmentation \"crpo\"; "
                                      "expected one of \"none\", \"crop\", \"crop-flip\"; did you "
                                      "mean \"crop\"?"}));
}

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
  EXPECT_EQ(errors_with(json::parse(R"([{"blur": 1}])"), {0.5, 1.5, 0.5}),
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
  doc["grid"]["strategies"] = json::parse(
      R"([{"blocks": [1, 2]}, {"blocks": 5}, {"lp_ft": "all"}, {"layer_decay": 0.7}])");
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
  for (size_t i = 0; i < 3 * 2 * 2; ++i) EXPECT_EQ(trials[i].id, plain[i].id) << i;
  const TrialSpec& range = trials[3 * 4];
  EXPECT_EQ(range.strategy.kind, StrategyKind::kRange);
  EXPECT_EQ(range.unfrozen, 2);
  EXPECT_EQ(first_trained_block(range), 0);
  EXPECT_EQ(end_trained_block(range), 2);
  const TrialSpec& last_block = trials[4 * 4];
  EXPECT_EQ(first_trained_block(last_block), 4);
  EXPECT_EQ(end_trained_block(last_block), 5);
  const TrialSpec& lp_ft = trials[5 * 4];
  EXPECT_EQ(lp_ft.unfrozen, 5);
  EXPECT_EQ(to_json(lp_ft).at("strategy"), json::parse(R"({"lp_ft": 5})")) << "all resolved";
  EXPECT_EQ(first_trained_block(lp_ft), 0);
  const TrialSpec& full = trials[2 * 4];
  EXPECT_EQ(full.unfrozen, 5);
  EXPECT_NE(full.id, lp_ft.id);
  EXPECT_FALSE(to_json(full).contains("strategy"));
  EXPECT_EQ(to_json(trials[6 * 4]).at("strategy"),
            json::parse(R"({"layer_decay": 0.7, "unfrozen": 5})"));
  json probed = testing::valid_sweep_json();
  probed["grid"]["strategies"] = json::parse(R"([{"blocks": 5, "from_probe": true}])");
  const TrialSpec from_probe = expand_grid(parse_sweep_text(probed.dump(), "s.json"))[3 * 4];
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

TEST(SweepFile, InvalidJsonNamesLineAndColumn) {
  EXPECT_EQ(errors_of_text("{\n  \"name\": \"x\",\n  \"grid\" {}\n}"),
            (std::vector<std::string>{
                "s.json:3:10: invalid JSON: syntax error while parsing object separator - "
                "unexpected '{'; expected ':'"}));
}

TEST(SweepFile, ANumberNoDoubleHoldsIsBadInputWithItsPlace) {
  EXPECT_EQ(errors_of_text("{\"name\": \"x\",\n \"lr\": 1e999}"),
            (std::vector<std::string>{"s.json:2:8: invalid JSON: the number 1e999 is out of range "
                                      "(numbers must fit a double: at most about 1.8e308)"}));
}

// One rule for every free-text name: visible, printable, at most 100 bytes.
TEST(SweepFile, NamesMustBeVisiblePrintableAndShort) {
  const auto with_target_name = [](const std::string& name) {
    json doc = testing::valid_sweep_json();
    doc["targets"][0]["name"] = name;
    return errors_of(doc);
  };
  const std::string path = "s.json: /targets/0/name: ";
  EXPECT_EQ(with_target_name(""),
            (std::vector<std::string>{path + "empty name: a name needs at least one visible "
                                             "character"}));
  EXPECT_EQ(with_target_name(" \t "), with_target_name(""));
  EXPECT_EQ(with_target_name(std::string("cut\0here", 8)),
            (std::vector<std::string>{
                path + "the name holds the control character U+0000 at byte 3; names are "
                       "printable text"}));
  EXPECT_EQ(with_target_name("\x1b[31mred"),
            (std::vector<std::string>{
                path + "the name holds the control character U+001B at byte 0; names are "
                       "printable text"}));
  EXPECT_EQ(with_target_name("csi\xc2\x9b"),
            (std::vector<std::string>{
                path + "the name holds the control character U+009B at byte 3; names are "
                       "printable text"}));
  EXPECT_EQ(with_target_name(std::string(101, 'x')),
            (std::vector<std::string>{path + "the name is 101 bytes long; at most 100"}));
  EXPECT_TRUE(with_target_name(std::string(100, 'x')).empty());
  EXPECT_TRUE(with_target_name("Kleider & Mäntel (near)").empty()) << "printable UTF-8 is fine";
  json doc = testing::valid_sweep_json();
  doc["name"] = "\n";
  doc["backbones"][0]["name"] = "\x7f";
  doc["targets"][1]["similarity"] = "far\r";
  EXPECT_EQ(errors_of(doc).size(), 3u) << "the sweep's, a backbone's and a similarity label";
}

TEST(SweepFile, UnreadableFile) {
  try {
    load_sweep_file("/nonexistent/sweep.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines().at(0),
              "/nonexistent/sweep.json: cannot read the sweep file (does it exist?)");
  }
}

// Each case edits the fixture and expects exactly these messages.
TEST(SweepFile, BadInputMessages) {
  struct Case {
    const char* what;
    void (*edit)(json&);
    std::vector<std::string> errors;
  } cases[] = {
      {"misspelt key",
       [](json& d) {
         d["grid"]["unfozen"] = d["grid"]["unfrozen"];
         d["grid"].erase("unfrozen");
       },
       {"s.json: /grid: missing key \"unfrozen\" (block counts to train, 0 = head only, \"all\" = "
        "full fine-tuning)",
        "s.json: /grid/unfozen: unknown key; did you mean \"unfrozen\"?"}},
      {"unknown top-level key",
       [](json& d) { d["trainig"] = json::object(); },
       {"s.json: /trainig: unknown key; did you mean \"training\"?"}},
      {"wrong type",
       [](json& d) { d["training"]["epochs"] = "10"; },
       {"s.json: /training/epochs: expected an integer, got \"10\""}},
      {"lr <= 0",
       [](json& d) { d["grid"]["lr"][1] = -0.1; },
       {"s.json: /grid/lr/1: expected a number > 0, got -0.1"}},
      {"empty grid axis",
       [](json& d) { d["grid"]["lr"] = json::array(); },
       {"s.json: /grid/lr: empty list; give at least one of learning rates"}},
      {"duplicate lr",
       [](json& d) {
         d["grid"]["lr"] = {0.1, 0.1};
       },
       {"s.json: /grid/lr/1: duplicate of /grid/lr/0"}},
      {"unfrozen beyond blocks",
       [](json& d) {
         d["grid"]["unfrozen"] = {0, 7};
       },
       {"s.json: /grid/unfrozen/1: 7 blocks, but backbone \"tiny\" (resnet10) has 5; use at most "
        "5, or \"all\""}},
      {"all equals a listed depth",
       [](json& d) {
         d["grid"]["unfrozen"] = {5, "all"};
       },
       {"s.json: /grid/unfrozen/1: \"all\" is 5 blocks for backbone \"tiny\", which "
        "/grid/unfrozen/0 already lists"}},
      {"bad unfrozen word",
       [](json& d) {
         d["grid"]["unfrozen"] = {0, "everything"};
       },
       {"s.json: /grid/unfrozen/1: expected a block count (0 = head only) or \"all\", got "
        "\"everything\""}},
      {"class id out of range",
       [](json& d) {
         d["targets"][0]["classes"] = {3, 12};
       },
       {"s.json: /targets/0/classes/1: class id 12 is out of range; fashion-mnist has classes 0 "
        "to 9"}},
      {"unknown class name",
       [](json& d) {
         d["targets"][0]["classes"] = {"Dres", "Coat"};
       },
       {"s.json: /targets/0/classes/0: unknown class \"Dres\" of fashion-mnist; use an id from 0 "
        "to 9 or a class name; did you mean \"Dress\"?"}},
      {"single class",
       [](json& d) { d["targets"][0]["classes"] = {3}; },
       {"s.json: /targets/0/classes: a single class; give at least two"}},
      {"budget larger than the data",
       [](json& d) { d["targets"][1]["train_per_class"] = 450; },
       {"s.json: /targets/1/train_per_class: 450 training + 100 validation + 200 test images per "
        "class need 750, but opencv-digits has 500 per class; use at most 200 training images"}},
      {"test budget larger than the test set",
       [](json& d) { d["targets"][0]["test_per_class"] = 2000; },
       {"s.json: /targets/0/test_per_class: 2000 test images per class, but fashion-mnist has "
        "1000 per class in its test set; use at most 1000"}},
      {"unknown dataset",
       [](json& d) { d["targets"][0]["dataset"] = "fashion-mnits"; },
       {"s.json: /targets/0/dataset: unknown dataset \"fashion-mnits\"; expected one of "
        "\"fashion-mnist\", \"opencv-digits\", \"image-folder\"; did you mean \"fashion-mnist\"?"}},
      {"image-folder without path",
       [](json& d) {
         d["targets"][0] = {{"name", "f"}, {"dataset", "image-folder"}};
       },
       {"s.json: /targets/0: missing key \"path\" (the folder that holds one sub-folder per "
        "class)"}},
      {"duplicate target names",
       [](json& d) { d["targets"][1]["name"] = "near"; },
       {"s.json: /targets/1/name: duplicate of /targets/0/name"}},
      {"unknown arch",
       [](json& d) { d["backbones"][0]["arch"] = "resnet11"; },
       {"s.json: /backbones/0/arch: unknown architecture \"resnet11\"; expected one of "
        "\"resnet10\", \"resnet18\"; did you mean \"resnet10\"?"}},
      {"seeds and repeats",
       [](json& d) { d["grid"]["repeats"] = 2; },
       {"s.json: /grid/repeats: give either \"seeds\" or \"repeats\", not both"}},
      {"no targets",
       [](json& d) { d.erase("targets"); },
       {"s.json: /: missing key \"targets\" (a list of target datasets)"}},
      {"momentum 1",
       [](json& d) { d["training"]["momentum"] = 1.0; },
       {"s.json: /training/momentum: expected a momentum below 1, got 1.0"}},
      {"pretrain larger than the data",
       [](json& d) { d["backbones"][0]["pretrain"]["per_class"] = 7000; },
       {"s.json: /backbones/0/pretrain/per_class: 7000 images per class, but fashion-mnist has "
        "6000 per class; use at most 6000"}},
      {"not an object",
       [](json& d) { d = json::array(); },
       {"s.json: /: expected an object, got an array"}},
  };
  for (const auto& c : cases) {
    json doc = testing::valid_sweep_json();
    c.edit(doc);
    EXPECT_EQ(errors_of(doc), c.errors) << c.what;
  }
}

TEST(SweepFile, ReportsEveryProblemAtOnce) {
  json doc = testing::valid_sweep_json();
  doc["grid"]["lr"] = {0};
  doc["training"]["optimiser"] = "adam";
  EXPECT_EQ(errors_of(doc).size(), 2u);
}

}  // namespace
// Mutations of a valid sweep file (seeded, bounded): bytes flipped, spans cut
// or repeated, leaves replaced by hostile values. Whatever comes of it, the
// reader either accepts the file (and the grid expands) or reports bad input,
// every line naming the file, never a library's own exception text.
TEST(SweepFile, MutatedFilesAreAcceptedOrRefusedAsBadInputNeverRaw) {
  const std::string valid = testing::valid_sweep_json().dump(1);
  const std::string bytes = std::string("\"{}[],:0-e\\ x\n\x1b\xff") + '\0';
  const std::vector<json> hostile = {1e308,
                                     -1,
                                     0,
                                     2.5,
                                     "",
                                     std::string("a\0b", 3),
                                     json::array(),
                                     json::object(),
                                     nullptr,
                                     true,
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<uint64_t>::max(),
                                     "../../x",
                                     std::string(5000, 'n'),
                                     -1e-300,
                                     json::array({"all", "all"}),
                                     json::array({json::array()})};
  std::mt19937 random(20261202);
  const auto pick = [&random](size_t n) {
    return static_cast<size_t>(std::uniform_int_distribution<size_t>(0, n - 1)(random));
  };
  int accepted = 0, refused = 0;
  for (int round = 0; round < 600; ++round) {
    std::string text;
    if (round % 2 == 0) {
      text = valid;
      const size_t at = pick(text.size());
      const size_t span = 1 + pick(12);
      switch (round / 2 % 3) {
        case 0:
          text[at] = bytes[pick(bytes.size())];
          break;
        case 1:
          text.erase(at, span);
          break;
        default:
          text.insert(at, text.substr(at, span));
      }
    } else {
      json doc = testing::valid_sweep_json();
      const json flat = doc.flatten();
      std::vector<json::json_pointer> leaves;
      for (const auto& item : flat.items()) leaves.emplace_back(item.key());
      doc[leaves[pick(leaves.size())]] = hostile[pick(hostile.size())];
      text = doc.dump(1);
    }
    try {
      const SweepSpec spec = parse_sweep_text(text, "s.json");
      expand_grid(spec);
      ++accepted;
    } catch (const InputError& e) {
      ++refused;
      ASSERT_FALSE(e.lines().empty()) << text;
      for (const std::string& line : e.lines()) {
        EXPECT_EQ(line.rfind("s.json", 0), 0u) << line << "\n" << text;
        EXPECT_EQ(line.find("json.exception"), std::string::npos) << line << "\n" << text;
      }
    } catch (const std::exception& e) {
      FAIL() << "raw " << typeid(e).name() << ": " << e.what() << "\n" << text;
    }
  }
  EXPECT_GT(accepted, 20) << "the mutations are not all fatal";
  EXPECT_GT(refused, 300);
}

}  // namespace sweep
