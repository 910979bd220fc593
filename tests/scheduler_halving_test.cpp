// The scheduler with a fake worker pool: successive halving and adaptive seeds.
#include "runner/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/summary.h"
#include "core/grid.h"
#include "core/identity.h"
#include "scheduler_fixture.h"

namespace sweep {
namespace {

TEST_F(SchedulerTest, HalvingStopsTheWorseLearningRateAtItsRungNeverAcrossDepthsOrSeeds) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  use(doc);
  // At the rung lr 0.01 leads on seed 1 and trails on seed 2; it is also the
  // better learning rate at the end.
  pool_.rung_val_of = [](const TrialSpec& t) {
    if (t.seed == 1) return t.lr < 0.05 ? 0.9 : 0.5;
    return t.lr < 0.05 ? 0.4 : 0.5;
  };
  pool_.val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.8 : 0.7; };
  const RunOutcome outcome = run(1);
  EXPECT_EQ(outcome.done, 24);
  int stopped = 0;
  for (const TrialRecord& t : store_.trials("unit")) {
    const bool expected = t.spec.unfrozen > 0 && t.spec.lr > 0.05 && t.spec.seed == 1;
    EXPECT_EQ(t.state == TrialState::kStopped, expected) << describe_trial(t.spec);
    if (t.state != TrialState::kStopped) continue;
    ++stopped;
    EXPECT_EQ(t.result->stopped_epoch, 2);
  }
  EXPECT_EQ(stopped, 4) << "lr 0.1, seed 1, at 2 and all blocks, on both targets";
  for (const auto& [position, keep] : pool_.decisions) {
    EXPECT_EQ(store_.trials("unit")[static_cast<size_t>(position)].spec.unfrozen > 0, true)
        << "head-only probes have no rungs";
    (void)keep;
  }
  EXPECT_EQ(pool_.decisions.size(), 16u) << "every trial that trains blocks, once";
  EXPECT_TRUE(sink_.printed("halving  near, 2 blocks, lr 0.1, seed 1: val 50.0% at epoch 2"));
  const SweepSummary summary = summarize("unit", store_.trials("unit"), std::nullopt);
  EXPECT_EQ(summary.stopped, 4);
  for (const TargetSummary& target : summary.targets) {
    for (const DepthRow& row : target.depths) EXPECT_DOUBLE_EQ(row.lr, 0.01) << row.unfrozen;
  }
}

// Siblings run side by side: lr 0.1 reaches the rung first and trails lr 0.01,
// which arrives three rounds later. Judged on arrival (ASHA) lr 0.1 would go on
// for being first; held until its sibling arrives, it stops.
TEST_F(SchedulerTest, HalvingJudgesSiblingsRunningSideBySideTogether) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  doc["grid"]["unfrozen"] = {2};
  doc["targets"] = nlohmann::json::array({doc["targets"][0]});
  doc["grid"]["seeds"] = {1, 2};
  use(doc);
  pool_.rung_val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.9 : 0.5; };
  pool_.rung_delay_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 4 : 1; };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 4);
  std::vector<size_t> claimed;  // trial positions in the order they were assigned
  for (const auto& [slot, position] : pool_.assigned) {
    if (position >= 0) claimed.push_back(static_cast<size_t>(position));
  }
  ASSERT_EQ(claimed.size(), 4u);
  const std::vector<TrialRecord> trials = store_.trials("unit");
  for (size_t i = 0; i < 4; i += 2) {
    const TrialSpec& a = trials[claimed[i]].spec;
    const TrialSpec& b = trials[claimed[i + 1]].spec;
    EXPECT_EQ(sibling_key(a), sibling_key(b)) << "siblings are claimed one after another";
    EXPECT_NE(a.lr, b.lr);
  }
  for (const TrialRecord& t : store_.trials("unit")) {
    EXPECT_EQ(t.state, t.spec.lr < 0.05 ? TrialState::kDone : TrialState::kStopped)
        << describe_trial(t.spec);
  }
  EXPECT_EQ(pool_.decisions.size(), 4u);
}

// lr 0.01 reaches its rung while its sibling waits behind a slow head-only
// trial, so it goes on alone; when lr 0.1 arrives and leads, the "go on" is
// withdrawn and lr 0.01 stops after its current epoch.
TEST_F(SchedulerTest, HalvingWithdrawsAGoOnWhenALaterSiblingOvertakes) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  doc["grid"]["unfrozen"] = {0, 2};
  doc["targets"] = nlohmann::json::array({doc["targets"][0]});
  doc["grid"]["seeds"] = {1};
  use(doc);
  pool_.rung_val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.5 : 0.9; };
  pool_.rung_delay_of = [](const TrialSpec&) { return 1; };
  pool_.result_delay_of = [](const TrialSpec& t) {
    if (t.unfrozen == 0) return t.lr < 0.05 ? 1 : 6;
    return t.lr < 0.05 ? 20 : 1;
  };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 4);
  for (const TrialRecord& t : store_.trials("unit")) {
    if (t.spec.unfrozen == 0) continue;
    if (t.spec.lr < 0.05) {
      EXPECT_EQ(t.state, TrialState::kStopped);
      EXPECT_EQ(t.result->stopped_epoch, 3) << "one epoch after its rung";
    } else {
      EXPECT_EQ(t.state, TrialState::kDone);
    }
  }
  ASSERT_EQ(pool_.withdrawals.size(), 1u);
  const std::vector<TrialRecord> trials = store_.trials("unit");
  EXPECT_EQ(trials[static_cast<size_t>(pool_.withdrawals[0])].spec.lr, 0.01);
  EXPECT_TRUE(
      sink_.printed("halving  near, 2 blocks, lr 0.01, seed 1: val 50.0% at epoch 2 "
                    "trails the siblings that reached it later"));
  Statement rung = store_.database().prepare(
      "SELECT r.decision FROM rungs r JOIN trials t USING (trial_id) WHERE t.lr < 0.05");
  ASSERT_TRUE(rung.step());
  EXPECT_EQ(rung.text(0), "stop");
}

TEST_F(SchedulerTest, AdaptiveSeedsGoToTheHingeCellsUntilTheMaximum) {
  auto doc = testing::valid_sweep_json();
  doc["grid"]["seeds"] = {{"min", 2}, {"max", 4}};
  use(doc);
  // near: head-only (lr 0.01: 0.80 / 0.84 by seed parity) against all blocks
  // (lr 0.01: 0.83): undecided at any number of seeds; 2 blocks clearly worse.
  // far: decided.
  pool_.val_of = [](const TrialSpec& t) {
    const bool near = t.target.name == "near";
    const bool small_lr = t.lr < 0.05;
    if (t.unfrozen == 0) return near ? (small_lr ? (t.seed % 2 ? 0.84 : 0.80) : 0.70) : 0.51;
    if (t.unfrozen == 2) return near ? 0.60 : 0.705 + 0.001 * t.seed;
    return near ? (small_lr ? 0.83 : 0.50) : 0.905 + 0.001 * t.seed;
  };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 24 + 2 * 2) << "two hinge cells (each at its chosen lr), seeds 2 and 3";
  std::map<std::string, int> reasons;
  for (const TrialRecord& t : store_.trials("unit")) {
    if (t.reason == "grid") continue;
    EXPECT_EQ(t.spec.target.name, "near");
    EXPECT_TRUE(t.spec.unfrozen == 0 || t.spec.unfrozen == 5) << describe_trial(t.spec);
    EXPECT_GE(t.spec.seed, 2);
    EXPECT_LT(t.spec.seed, 4);
    ++reasons[t.reason.substr(0, t.reason.find(':'))];
  }
  EXPECT_EQ(reasons, (std::map<std::string, int>{{"added seed 2", 2}, {"added seed 3", 2}}));
  EXPECT_EQ(run(2).done, 0) << "a second run adds nothing: the maximum is reached";
}

}  // namespace
}  // namespace sweep
