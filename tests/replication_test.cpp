// Adaptive replication: seeds go only to the cells an undecided verdict hinges on.
#include "analysis/replication.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

// Validation accuracy by (target, unfrozen, lr): near is undecided between
// head-only (lr 0.01: 0.80 and 0.84 on seeds 0 and 1) and all blocks (lr 0.01:
// 0.83 on both), 2 blocks credibly worse; far is decided for all blocks.
double val_of(const TrialSpec& t) {
  const bool near = t.target.name == "near";
  const bool small_lr = t.lr < 0.05;
  if (t.unfrozen == 0) return near ? (small_lr ? (t.seed % 2 ? 0.84 : 0.80) : 0.70) : 0.51;
  if (t.unfrozen == 2) return near ? 0.60 : 0.705;
  return near ? (small_lr ? 0.83 : 0.50) : 0.905;
}

TrialRecord done(const TrialSpec& spec) {
  TrialRecord r;
  r.spec = spec;
  r.state = TrialState::kDone;
  TrialResult result;
  result.val_accuracy = val_of(spec);
  result.test_accuracy = result.val_accuracy;
  result.train_flops = 1e9;
  r.result = result;
  return r;
}

class ReplicationTest : public ::testing::Test {
 protected:
  ReplicationTest() {
    auto doc = testing::valid_sweep_json();
    doc["grid"]["seeds"] = {{"min", 2}, {"max", 4}};
    spec_ = parse_sweep_text(doc.dump(), "s.json");
    for (const TrialSpec& t : expand_grid(spec_)) trials_.push_back(done(t));
  }

  // (target, unfrozen, lr, seed) of each planned trial.
  std::set<std::tuple<std::string, int, double, int>> plan() {
    std::set<std::tuple<std::string, int, double, int>> out;
    for (const AddedTrial& t : plan_added_seeds(spec_, trials_, 0.01)) {
      out.insert({t.spec.target.name, t.spec.unfrozen, t.spec.lr, t.spec.seed});
      EXPECT_EQ(t.spec.id, with_seed(t.spec, t.spec.seed, spec_).id) << "identity is the config";
    }
    return out;
  }

  SweepSpec spec_;
  std::vector<TrialRecord> trials_;
};

TEST_F(ReplicationTest, SeedsGoOnlyToTheHingeCellsOfUndecidedTargets) {
  const auto first = plan_added_seeds(spec_, trials_, 0.01);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(plan(), (std::set<std::tuple<std::string, int, double, int>>{{"near", 0, 0.01, 2},
                                                                         {"near", 5, 0.01, 2}}));
  EXPECT_EQ(first[0].reason.rfind("added seed 2: near undecided between head-only and 5 (all) "
                                  "blocks (gap 1.0 points, 95% bounds",
                                  0),
            0u)
      << first[0].reason;
}

TEST_F(ReplicationTest, GoesOnSeedBySeedAndStopsBelowTheMaximum) {
  for (const AddedTrial& t : plan_added_seeds(spec_, trials_, 0.01))
    trials_.push_back(done(t.spec));
  EXPECT_EQ(plan(), (std::set<std::tuple<std::string, int, double, int>>{{"near", 0, 0.01, 3},
                                                                         {"near", 5, 0.01, 3}}));
  for (const AddedTrial& t : plan_added_seeds(spec_, trials_, 0.01))
    trials_.push_back(done(t.spec));
  EXPECT_TRUE(plan().empty()) << "seed 4 would be the fifth; max is 4";
}

TEST_F(ReplicationTest, WaitsWhileTheTargetHasTrialsToFinish) {
  trials_.back().state = TrialState::kPending;  // a far trial
  trials_.back().result.reset();
  EXPECT_EQ(plan().size(), 2u) << "far is not undecided; near has nothing pending";
  for (TrialRecord& t : trials_) {
    if (t.spec.target.name == "near" && t.spec.unfrozen == 2) t.state = TrialState::kRunning;
  }
  EXPECT_TRUE(plan().empty()) << "near's evidence is still coming";
}

TEST_F(ReplicationTest, NothingWithoutAdaptiveSeedsOrOnceDecided) {
  EXPECT_TRUE(plan_added_seeds(spec_, trials_, 0.5).empty()) << "decided at a 50-point tolerance";
  spec_.grid.max_seeds = 0;
  EXPECT_TRUE(plan().empty());
}

TEST_F(ReplicationTest, AStoppedTrialStillHoldsItsSeed) {
  auto added = plan_added_seeds(spec_, trials_, 0.01);
  TrialRecord stopped = done(added[0].spec);
  stopped.state = TrialState::kStopped;
  trials_.push_back(stopped);
  // Halving stopped the other learning rate at that depth once too, so the
  // depth keeps lr 0.01 (summary.cpp) and the verdict stays undecided.
  for (TrialRecord& t : trials_) {
    if (t.spec.target.name == "near" && t.spec.unfrozen == stopped.spec.unfrozen &&
        t.spec.lr > 0.05 && t.spec.seed == 0)
      t.state = TrialState::kStopped;
  }
  const auto again = plan_added_seeds(spec_, trials_, 0.01);
  ASSERT_EQ(again.size(), 1u) << "only the cell without seed 2 gets it";
  EXPECT_EQ(again[0].spec.seed, 2);
  EXPECT_NE(again[0].spec.id, added[0].spec.id);
}

}  // namespace
}  // namespace sweep
