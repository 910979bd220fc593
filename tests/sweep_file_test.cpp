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

using testing::errors_of;
using testing::errors_of_text;

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

TEST(SweepFile, AugmentedViewsNeedAugmentationAndChangeTrialIdentity) {
  json doc = testing::valid_sweep_json();
  doc["training"]["augment"] = "crop";
  const std::string every_step = expand_grid(parse_sweep_text(doc.dump(), "s.json")).front().id;
  doc["training"]["augment_views"] = 4;
  const SweepSpec spec = parse_sweep_text(doc.dump(), "s.json");
  EXPECT_EQ(spec.training.augment_views, 4);
  EXPECT_EQ(to_json(spec.training).at("augment_views"), 4);
  EXPECT_NE(expand_grid(spec).front().id, every_step);
  doc["training"]["augment_views"] = 0;
  EXPECT_EQ(expand_grid(parse_sweep_text(doc.dump(), "s.json")).front().id, every_step)
      << "0 is the default, left out of the identity";
  doc["training"]["augment_views"] = kMaxAugmentViews + 1;
  EXPECT_EQ(errors_of(doc),
            (std::vector<std::string>{"s.json: /training/augment_views: expected an integer from "
                                      "0 to 64, got 65"}));
  doc["training"].erase("augment");
  doc["training"]["augment_views"] = 4;
  EXPECT_EQ(errors_of(doc),
            (std::vector<std::string>{
                "s.json: /training/augment_views: views of augmented images need \"augment\": "
                "\"crop\" or \"crop-flip\" beside them; remove \"augment_views\" or set "
                "\"augment\""}));
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
