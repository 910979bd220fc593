// The registry of sweeps and their trials (storage/sweep_registry.h).
#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "core/identity.h"
#include "results_store_fixture.h"

namespace sweep {
namespace {

TEST_F(ResultsStoreTest, RegistersTheGridOnce) {
  ResultsStore store(path_, Access::kReadWrite);
  Registration first = store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(first.total, 24);
  EXPECT_EQ(first.added, 24);
  EXPECT_EQ(first.done, 0);
  Registration again = store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(store.trials("unit").size(), 24u);
  EXPECT_EQ(store.sweep_names(), std::vector<std::string>{"unit"});
  EXPECT_EQ(store.sweep("unit")->spec.targets.size(), 2u);
  EXPECT_FALSE(store.sweep("other").has_value());
}

TEST_F(ResultsStoreTest, ChangedGridMovesTheSweepButKeepsOldTrials) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  SweepSpec longer = spec_;
  longer.training.epochs = 5;
  const auto longer_trials = expand_grid(longer);
  const Registration r = store.register_sweep(longer, longer_trials, "s.json");
  EXPECT_EQ(r.added, 24);
  EXPECT_EQ(r.left_behind, 24) << "the 2-epoch trials are no longer the sweep's";
  EXPECT_EQ(store.trials("unit")[0].spec.recipe.epochs, 5);
  EXPECT_EQ(store.register_sweep(longer, longer_trials, "s.json").left_behind, 0);
  Statement count = store.database().prepare("SELECT count(*) FROM trials");
  count.step();
  EXPECT_EQ(count.int64(0), 48);
}

TEST_F(ResultsStoreTest, RunningTimeLeavesOutTheGapsBetweenRuns) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(store.timing("unit").running_seconds, 0.0) << "nothing has run";
  // Two overlapping trials in a first run, one more in a second run a day later,
  // one started and released without a finish.
  const auto set_times = [&](size_t i, const char* started, const char* finished) {
    Statement stmt = store.database().prepare(
        "UPDATE trials SET state = 'done', started_at = ?2, finished_at = ?3 WHERE trial_id = ?1");
    stmt.bind(1, trials_[i].id).bind(2, std::string(started));
    if (finished) {
      stmt.bind(3, std::string(finished));
    } else {
      stmt.bind_null(3);
    }
    stmt.step();
  };
  set_times(0, "2026-12-01T10:00:00Z", "2026-12-01T10:00:10Z");
  set_times(1, "2026-12-01T10:00:05Z", "2026-12-01T10:00:20Z");
  set_times(2, "2026-12-02T10:00:00Z", "2026-12-02T10:00:30Z");
  set_times(3, "2026-12-02T10:00:40Z", nullptr);
  EXPECT_NEAR(store.timing("unit").running_seconds, 20.0 + 30.0, 1e-3);
}

TEST_F(ResultsStoreTest, AddedSeedsStayWithTheSweepWhileTheirCellDoes) {
  auto doc = testing::valid_sweep_json();
  doc["grid"]["seeds"] = {{"min", 2}, {"max", 4}};
  const SweepSpec adaptive = parse_sweep_text(doc.dump(), "s.json");
  const std::vector<TrialSpec> grid = expand_grid(adaptive);
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(adaptive, grid, "s.json");
  const TrialSpec added = with_seed(grid[0], 2, adaptive);
  SeedReason why;
  why.target = "near";
  why.seed = 2;
  why.shallower = "head-only";
  why.deeper = "2 blocks";
  why.pairs = 2;
  EXPECT_EQ(store.add_trials("unit", {{added, why}, {grid[1], why}}), 1)
      << "a trial the sweep holds already is left as it is";
  auto trials = store.trials("unit");
  ASSERT_EQ(trials.size(), grid.size() + 1);
  EXPECT_EQ(trials.back().spec.id, added.id);
  EXPECT_EQ(trials.back().reason,
            "added seed 2: near undecided between head-only and 2 blocks (gap 0.0 points, 95% "
            "bounds 0.0 to 0.0 over 2 seeds)");
  EXPECT_EQ(trials[1].reason, "grid");
  EXPECT_EQ(store.register_sweep(adaptive, grid, "s.json").total, static_cast<int>(grid.size()) + 1)
      << "registering the file again keeps the added seed";
  doc["grid"]["lr"] = {0.1};  // grid[0]'s cell (lr 0.01) leaves the grid
  const SweepSpec narrower = parse_sweep_text(doc.dump(), "s.json");
  const std::vector<TrialSpec> fewer = expand_grid(narrower);
  EXPECT_EQ(store.register_sweep(narrower, fewer, "s.json").total, static_cast<int>(fewer.size()));
}

}  // namespace
}  // namespace sweep
