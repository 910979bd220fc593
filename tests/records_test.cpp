// The names closed sets of the trial records have in SQL and JSON.
#include "core/records.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "core/records_json.h"

namespace sweep {
namespace {

TEST(Records, FrozenInputNamesRoundTrip) {
  const std::pair<FrozenInput, const char*> cases[] = {
      {FrozenInput::kNone, ""},
      {FrozenInput::kMemory, "memory"},
      {FrozenInput::kDisk, "disk"},
      {FrozenInput::kComputed, "computed"},
      {FrozenInput::kAugmentation, "augmentation"},
      {FrozenInput::kOff, "off"},
      {FrozenInput::kTooLarge, "too large"},
  };
  for (const auto& [input, name] : cases) {
    EXPECT_STREQ(frozen_input_name(input), name);
    EXPECT_EQ(parse_frozen_input(name), input) << name;
  }
  EXPECT_EQ(parse_frozen_input("Memory"), std::nullopt);
  EXPECT_EQ(parse_frozen_input("too_large"), std::nullopt);
}

TEST(Records, TrialStateNamesRoundTrip) {
  for (TrialState state :
       {TrialState::kPending, TrialState::kRunning, TrialState::kDone, TrialState::kFailed}) {
    EXPECT_EQ(parse_trial_state(trial_state_name(state)), state);
  }
  EXPECT_EQ(parse_trial_state("finished"), std::nullopt);
}

// The worker sends the probe curve as JSON; a fit not measured (NaN)
// travels as null and comes back NaN.
TEST(Records, TheProbeCurveRoundTripsThroughJson) {
  TransferMeasure m;
  m.backbone = "b";
  m.target = "t";
  BoundaryProbe measured;
  measured.boundary = 5;
  measured.block = "stage4";
  measured.feature_dim = 128;
  measured.val_accuracy = 0.84;
  measured.suffix_val_accuracy = 0.84;
  measured.train_accuracy = 0.923;
  measured.lr = 0.01;
  BoundaryProbe unmeasured = measured;
  unmeasured.boundary = 4;
  unmeasured.train_accuracy = std::nan("");
  m.curve = {unmeasured, measured};
  const nlohmann::json json = to_json(m);
  EXPECT_TRUE(json["curve"][0]["train_accuracy"].is_null());
  const TransferMeasure back = measure_from_json(nlohmann::json::parse(json.dump()));
  ASSERT_EQ(back.curve.size(), 2u);
  EXPECT_TRUE(std::isnan(back.curve[0].train_accuracy));
  EXPECT_DOUBLE_EQ(back.curve[1].train_accuracy, 0.923);
  EXPECT_EQ(back.curve[1].block, "stage4");
}

TEST(Records, AnUnknownFrozenInputInJsonIsRefused) {
  TrialResult r;
  r.frozen_input = FrozenInput::kTooLarge;
  nlohmann::json json = to_json(r);
  EXPECT_EQ(json.at("feature_cache"), "too large");
  EXPECT_EQ(trial_result_from_json(json).frozen_input, FrozenInput::kTooLarge);
  json["feature_cache"] = "cached";
  try {
    trial_result_from_json(json);
    FAIL() << "no error";
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "malformed trial result: feature_cache: unknown value \"cached\"");
  }
}

}  // namespace
}  // namespace sweep
