// Which trials a Slurm submission runs and how they are grouped into tasks.
#include "cluster/shard_plan.h"

#include <gtest/gtest.h>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

using State = TrialState;

class ShardPlanTest : public ::testing::Test {
 protected:
  ShardPlanTest() {
    nlohmann::json doc = testing::valid_sweep_json();
    doc["backbones"].push_back(doc["backbones"][0]);
    doc["backbones"][1]["name"] = "wide";
    doc["backbones"][1]["width"] = 16;
    grid_ = expand_grid(parse_sweep_text(doc.dump(), "s.json"));  // 2 x 2 x 12 = 48 trials
  }

  // The ids of the trials of one (backbone, target) pair, in grid order.
  std::vector<std::string> ids_of(const std::string& backbone, const std::string& target) const {
    std::vector<std::string> ids;
    for (const TrialSpec& t : grid_) {
      if (t.backbone.name == backbone && t.target.name == target) ids.push_back(t.id);
    }
    return ids;
  }

  std::vector<TrialSpec> grid_;
};

TEST_F(ShardPlanTest, OneTaskPerBackboneAndTargetInGridOrder) {
  const SubmissionPlan plan = plan_submission(grid_, {}, {}, false);
  ASSERT_EQ(plan.tasks.size(), 4u);
  EXPECT_EQ(plan.total, 48);
  EXPECT_EQ(plan.planned, 48);
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"tiny", "near"}, {"tiny", "far"}, {"wide", "near"}, {"wide", "far"}};
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(plan.tasks[i].backbone, pairs[i].first) << i;
    EXPECT_EQ(plan.tasks[i].target, pairs[i].second) << i;
    EXPECT_EQ(plan.tasks[i].trial_ids, ids_of(pairs[i].first, pairs[i].second)) << i;
  }
  for (const auto& [id, attempts] : plan.attempts) EXPECT_EQ(attempts, 0) << id;
}

TEST_F(ShardPlanTest, LeavesOutDoneFailedAndInFlightTrials) {
  const auto near = ids_of("tiny", "near");
  const auto far = ids_of("tiny", "far");
  std::map<std::string, TrialProgress> known;
  for (const auto& id : near) known[id] = {State::kDone, 1};  // a whole task done
  known[far[0]] = {State::kFailed, 2};
  known[far[1]] = {State::kPending, 1};  // its task died: runs again
  known[far[2]] = {State::kRunning, 1};
  const std::set<std::string> in_flight = {far[3], far[4], near[0]};

  const SubmissionPlan plan = plan_submission(grid_, known, in_flight, false);
  EXPECT_EQ(plan.done, 12);
  EXPECT_EQ(plan.failed, 1);
  EXPECT_EQ(plan.in_flight, 2) << "a done trial counts as done, not in flight";
  EXPECT_EQ(plan.planned, 48 - 12 - 1 - 2);
  ASSERT_EQ(plan.tasks.size(), 3u) << "no task for the finished pair";
  EXPECT_EQ(plan.tasks[0].target, "far");
  std::vector<std::string> want = {far[1], far[2]};  // far[0] failed, far[3..4] in flight
  want.insert(want.end(), far.begin() + 5, far.end());
  EXPECT_EQ(plan.tasks[0].trial_ids, want);
  EXPECT_EQ(plan.attempts.at(far[1]), 1);
  EXPECT_EQ(plan.attempts.count(far[0]), 0u);
}

TEST_F(ShardPlanTest, RetryFailedPlansFailedTrialsWithTheirAttempts) {
  const auto far = ids_of("wide", "far");
  const SubmissionPlan plan =
      plan_submission(grid_, {{far[5], {State::kFailed, 3}}}, {}, /*retry_failed=*/true);
  EXPECT_EQ(plan.failed, 0);
  EXPECT_EQ(plan.planned, 48);
  EXPECT_EQ(plan.attempts.at(far[5]), 3);
}

TEST_F(ShardPlanTest, NothingToPlanWhenEveryTrialIsDone) {
  std::map<std::string, TrialProgress> known;
  for (const TrialSpec& t : grid_) known[t.id] = {State::kDone, 1};
  const SubmissionPlan plan = plan_submission(grid_, known, {}, true);
  EXPECT_TRUE(plan.tasks.empty());
  EXPECT_EQ(plan.done, 48);
  EXPECT_EQ(plan.planned, 0);
}

}  // namespace
}  // namespace sweep
