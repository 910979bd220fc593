// A database written before trial ids were content ids keeps its trials: they
// are renamed to today's ids with their results, epochs and sweep links, once.
#include "storage/trial_renames.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/grid.h"
#include "core/identity.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "storage/results_store.h"
#include "temp_dir.h"

namespace sweep {
namespace {

const Claimant kRunner{"host", 1};

TEST(TrialRenames, TrialsOfAnEarlierReleaseKeepTheirResultsUnderTheirContentIds) {
  testing::ScopedTempDir dir;
  SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  for (TargetSpec& target : spec.targets) target.data.content_sha256 = std::string(64, 'd');
  const std::vector<TrialSpec> trials = expand_grid(spec);
  // As an earlier release recorded them: under the ids that held paths.
  std::vector<TrialSpec> earlier = trials;
  for (TrialSpec& t : earlier) t.id = legacy_trial_id(t);
  ASSERT_NE(earlier[0].id, trials[0].id);
  {
    ResultsStore store(dir.file("r.db"), Access::kReadWrite);
    store.register_sweep(spec, earlier, "s.json");
    const auto claimed = store.claim_next(spec.name, kRunner, "cpu", 1.0);
    ASSERT_TRUE(claimed);
    ASSERT_TRUE(store.record_done(claimed->id, kRunner, testing::sample_result(0.8)));
  }
  ResultsStore store(dir.file("r.db"), Access::kReadWrite);
  EXPECT_EQ(adopt_legacy_ids(store.database(), trials), static_cast<int>(trials.size()));
  EXPECT_EQ(adopt_legacy_ids(store.database(), trials), 0) << "once";
  const Registration again = store.register_sweep(spec, trials, "s.json");
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.left_behind, 0);
  EXPECT_EQ(again.done, 1);
  const std::vector<TrialRecord> records = store.trials(spec.name);
  ASSERT_EQ(records.size(), trials.size());
  EXPECT_EQ(records[0].spec.id, trials[0].id);
  EXPECT_EQ(records[0].state, TrialState::kDone);
  ASSERT_TRUE(records[0].result);
  EXPECT_EQ(records[0].result->epochs.size(), 2u) << "the epochs follow their trial";
}

TEST(TrialRenames, ATrialAlreadyKnownByItsContentIdIsLeftAlone) {
  testing::ScopedTempDir dir;
  const SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  std::vector<TrialSpec> trials = expand_grid(spec);
  ResultsStore store(dir.file("r.db"), Access::kReadWrite);
  store.register_sweep(spec, trials, "s.json");
  EXPECT_EQ(adopt_legacy_ids(store.database(), trials), 0);
}

// The legacy id is the id the release before content identities gave: checked
// on a database that release wrote (tests/data/results-v2.db, its trials as
// stored, read back and hashed again).
TEST(TrialRenames, LegacyIdsAreTheIdsOfTheReleaseBefore) {
  testing::ScopedTempDir dir;
  const std::string path = dir.file("v2.db");
  std::filesystem::copy_file(std::string(SWEEP_TEST_DATA_DIR) + "/results-v2.db", path);
  ResultsStore store(path, Access::kReadWrite);
  const std::vector<TrialRecord> trials = store.trials("same_classes");
  ASSERT_EQ(trials.size(), 16u);
  for (const TrialRecord& t : trials) {
    EXPECT_EQ(legacy_trial_id(t.spec), t.spec.id);
    EXPECT_NE(trial_id(t.spec), t.spec.id);
  }
}

}  // namespace
}  // namespace sweep
