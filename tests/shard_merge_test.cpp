// Shards: publishing an array task's results database, and folding shards into
// the main database.
#include "storage/shard_merge.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "core/grid.h"
#include "core/sweep_file.h"
#include "fake_system.h"
#include "spec_fixture.h"
#include "storage/shard_file.h"
#include "temp_dir.h"

namespace sweep {
namespace {

const Claimant kTask{"node7", 11};
const Claimant kLocal{"login", 12};

// A trial's result as a GPU node of the cluster reports it.
TrialResult result_with(double accuracy, const std::string& host) {
  TrialResult r = testing::sample_result(accuracy);
  r.device = "cuda:0";
  r.device_name = "Fake GPU";
  r.frozen_input = FrozenInput::kMemory;
  r.environment = {"0.1.0", "1.13.0", "cuda", "12.1", host, "linux", 4};
  return r;
}

// Every row of the tables, as text: equal dumps, equal contents. By default the
// tables a merge may write.
std::string dump(ResultsStore& store, const std::vector<std::string>& tables = {
                                          "trials", "epochs", "environments", "pretrained",
                                          "transfer_measures", "skipped_images"}) {
  std::string out;
  for (const std::string& table : tables) {
    Statement rows =
        store.database().prepare(std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    while (rows.step()) {
      out += table;
      for (int c = 0; c < rows.columns(); ++c)
        out += "|" + (rows.is_null(c) ? std::string("NULL") : rows.text(c));
      out += "\n";
    }
  }
  return out;
}

class ShardTest : public ::testing::Test {
 protected:
  ShardTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        grid_(expand_grid(spec_)),
        task_trials_(grid_.begin(), grid_.begin() + 6),
        main_(dir_.file("main.db"), Access::kReadWrite),
        local_(dir_.file("local.db"), Access::kReadWrite) {
    std::filesystem::create_directories(dir_.file("shards"));
    std::filesystem::create_directories(dir_.file("scratch"));
    main_.register_sweep(spec_, grid_, "s.json");
    local_.register_sweep(spec_, task_trials_, "task-0.json");
  }

  // The task's first trial done, its second failed, its third running; the
  // other three pending. Then published.
  void run_task_partly() {
    local_.record_pretrained({"key", "resnet10", "fashion-mnist", 0.8, 3.0, "/cache/w.pt"});
    local_.record_measure({"key",
                           "target-key",
                           "tiny",
                           "near",
                           -0.4,
                           2.5,
                           100,
                           80,
                           1.0,
                           {"/photos/a/broken.jpg: not a decodable image"},
                           {{5, "stage4", 64, 0.8, 0.01, 0.8, -0.5, 0.2}},
                           "probes"});
    local_.claim_next("unit", kTask, "cuda:0", 1e9);
    local_.record_done(grid_[0].id, kTask, result_with(0.7, "node7"));
    local_.claim_next("unit", kTask, "cuda:0", 1e9);
    local_.record_failed(grid_[1].id, kTask, "out of memory");
    local_.claim_next("unit", kTask, "cuda:0", 1e9);
    publish();
  }

  void publish() { publish_shard(real_system(), local_, dir_.file("scratch"), shard_path()); }
  std::string shard_path() const { return dir_.file("shards/task-0.db"); }

  TrialRecord main_trial(int position) { return main_.trials("unit").at(position); }

  testing::ScopedTempDir dir_;
  SweepSpec spec_;
  std::vector<TrialSpec> grid_;
  std::vector<TrialSpec> task_trials_;
  ResultsStore main_;
  ResultsStore local_;
};

TEST_F(ShardTest, APublishedShardIsAWholeFileWithARollbackJournal) {
  run_task_partly();
  for (const auto& entry : std::filesystem::directory_iterator(dir_.file("shards"))) {
    EXPECT_EQ(entry.path().filename(), "task-0.db") << "nothing beside the shard";
  }
  EXPECT_FALSE(std::filesystem::exists(shard_path() + "-wal"));
  std::ifstream file(shard_path(), std::ios::binary);
  char header[20] = {};
  file.read(header, sizeof header);
  EXPECT_EQ(header[18], 1) << "file format 1: rollback journal, not WAL";
  EXPECT_EQ(header[19], 1);

  ResultsStore shard(shard_path(), Access::kImmutable);
  const auto trials = shard.trials("unit");
  ASSERT_EQ(trials.size(), 6u);
  EXPECT_EQ(trials[0].state, TrialState::kDone);
  EXPECT_EQ(trials[1].state, TrialState::kFailed);
  EXPECT_EQ(trials[2].state, TrialState::kRunning);

  // Publishing again replaces the file while a reader holds the old one open.
  local_.claim_next("unit", kTask, "cuda:0", 1e9);
  local_.record_done(grid_[3].id, kTask, result_with(0.6, "node7"));
  publish();
  EXPECT_EQ(shard.trials("unit")[3].state, TrialState::kPending) << "the old copy, unchanged";
  ResultsStore fresh(shard_path(), Access::kImmutable);
  EXPECT_EQ(fresh.trials("unit")[3].state, TrialState::kDone);
}

TEST_F(ShardTest, ADiskFullWhilePublishingLeavesTheLastShardWhole) {
  run_task_partly();
  local_.claim_next("unit", kTask, "cuda:0", 1e9);
  local_.record_done(grid_[3].id, kTask, result_with(0.6, "node7"));
  testing::FakeSystem full;
  full.disk_space = 5000;  // the disk fills a few pages into the new shard
  try {
    publish_shard(full, local_, dir_.file("scratch"), shard_path());
    FAIL() << "published onto a full disk";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()), shard_path() + ": cannot write (No space left on device)");
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_.file("shards"))) {
    EXPECT_EQ(entry.path().filename(), "task-0.db") << "nothing half-written beside the shard";
  }
  EXPECT_EQ(ResultsStore(shard_path(), Access::kImmutable).trials("unit")[3].state,
            TrialState::kPending)
      << "the last shard, whole";

  publish();  // room again: the next shard carries the trial
  EXPECT_EQ(ResultsStore(shard_path(), Access::kImmutable).trials("unit")[3].state,
            TrialState::kDone);
}

TEST_F(ShardTest, AShardOpensWhateverItsPathHolds) {
  const std::string odd = dir_.file("odd %41 dir?#");
  std::filesystem::create_directories(odd);
  publish_shard(real_system(), local_, dir_.file("scratch"), odd + "/task-0.db");
  ResultsStore shard(odd + "/task-0.db", Access::kImmutable);
  EXPECT_EQ(shard.trials("unit").size(), 6u);
}

TEST_F(ShardTest, MergeFoldsFinishedTrialsAndLeavesUnfinishedOnes) {
  run_task_partly();
  const MergeCount count = merge_shard(main_, shard_path());
  EXPECT_EQ(count.done, 1);
  EXPECT_EQ(count.failed, 1);
  EXPECT_EQ(count.unchanged, 0);
  EXPECT_EQ(count.unfinished, 4);

  const TrialRecord done = main_trial(0);
  ASSERT_EQ(done.state, TrialState::kDone);
  EXPECT_EQ(done.attempts, 1);
  EXPECT_DOUBLE_EQ(done.result->test_accuracy, 0.69);
  EXPECT_EQ(done.result->device_name, "Fake GPU");
  EXPECT_EQ(done.result->frozen_input, FrozenInput::kMemory);
  EXPECT_EQ(done.result->environment, result_with(0.7, "node7").environment);
  ASSERT_EQ(done.result->epochs.size(), 2u);
  EXPECT_DOUBLE_EQ(done.result->epochs[1].val_accuracy, 0.6);
  EXPECT_EQ(done.claimed_by, "");

  const TrialRecord failed = main_trial(1);
  EXPECT_EQ(failed.state, TrialState::kFailed);
  EXPECT_EQ(failed.error, "out of memory");
  EXPECT_EQ(failed.attempts, 1);

  EXPECT_EQ(main_trial(2).state, TrialState::kPending) << "running in a shard: not finished";
  EXPECT_EQ(main_trial(2).attempts, 0);
  EXPECT_TRUE(main_.pretrained("key").has_value());
  const auto measure = main_.measure("key", "target-key");
  ASSERT_TRUE(measure) << "transfer measures come along";
  EXPECT_DOUBLE_EQ(measure->frechet, 2.5);
  EXPECT_EQ(measure->skipped_images.size(), 1u);
}

TEST_F(ShardTest, MergingTwiceChangesNothing) {
  run_task_partly();
  merge_shard(main_, shard_path());
  const std::string before = dump(main_);
  const MergeCount again = merge_shard(main_, shard_path());
  EXPECT_EQ(again.done, 0);
  EXPECT_EQ(again.failed, 0);
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(again.unfinished, 4);
  EXPECT_EQ(dump(main_), before);
}

TEST_F(ShardTest, ADoneTrialIsNeverReplaced) {
  main_.claim_next("unit", kLocal, "cpu", 1e9);
  main_.record_done(grid_[0].id, kLocal, result_with(0.9, "login"));
  main_.claim_next("unit", kLocal, "cpu", 1e9);
  main_.record_done(grid_[1].id, kLocal, result_with(0.8, "login"));
  const std::string before = dump(main_, {"trials", "epochs", "environments"});
  run_task_partly();  // trial 0 done at 0.7, trial 1 failed
  const MergeCount count = merge_shard(main_, shard_path());
  EXPECT_EQ(count.unchanged, 2);
  EXPECT_EQ(count.done + count.failed, 0);
  EXPECT_EQ(dump(main_, {"trials", "epochs", "environments"}), before)
      << "only the pretraining record is new";
}

TEST_F(ShardTest, AFailureNeverReplacesALaterAttempt) {
  // Trials 0 and 1 have failed twice in the main database; the shard ran them
  // once, for an older submission.
  for (int round = 0; round < 2; ++round) {
    for (int t = 0; t < 2; ++t) {
      main_.claim_next("unit", kLocal, "cpu", 1e9);
      main_.record_failed(grid_[t].id, kLocal, "later failure");
    }
    if (round == 0) main_.reset_failed("unit");
  }
  run_task_partly();  // trial 0 done, trial 1 failed, both at attempt 1
  const MergeCount count = merge_shard(main_, shard_path());
  EXPECT_EQ(count.done, 1) << "done wins over any failure";
  EXPECT_EQ(count.unchanged, 1);
  EXPECT_EQ(main_trial(0).state, TrialState::kDone);
  EXPECT_EQ(main_trial(0).attempts, 2) << "the attempts made so far are kept";
  EXPECT_EQ(main_trial(1).state, TrialState::kFailed);
  EXPECT_EQ(main_trial(1).error, "later failure");
  EXPECT_EQ(main_trial(1).attempts, 2);
}

TEST_F(ShardTest, AFailureLeavesALiveClaimAloneAResultDoesNot) {
  main_.claim_next("unit", kLocal, "cpu", 1e9);  // trials 0 and 1 run on a local runner
  main_.claim_next("unit", kLocal, "cpu", 1e9);
  run_task_partly();
  const MergeCount count = merge_shard(main_, shard_path());
  EXPECT_EQ(count.done, 1);
  EXPECT_EQ(count.unchanged, 1);
  EXPECT_EQ(main_trial(0).state, TrialState::kDone);
  EXPECT_EQ(main_trial(0).claimed_by, "");
  EXPECT_EQ(main_trial(1).state, TrialState::kRunning);
  EXPECT_FALSE(main_.record_done(grid_[0].id, kLocal, result_with(0.1, "login")))
      << "the local runner's claim on the merged trial is gone";
}

TEST_F(ShardTest, AddsTrialsTheMainDatabaseLacks) {
  run_task_partly();
  ResultsStore empty(dir_.file("empty.db"), Access::kReadWrite);
  const MergeCount count = merge_shard(empty, shard_path());
  EXPECT_EQ(count.done, 1);
  EXPECT_EQ(count.failed, 1);
  const auto progress = stored_progress(empty);
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress.at(grid_[0].id), (TrialProgress{TrialState::kDone, 1}));
  EXPECT_EQ(progress.at(grid_[1].id), (TrialProgress{TrialState::kFailed, 1}));
}

TEST_F(ShardTest, RefusesAFileThatIsNotAResultsDatabase) {
  std::ofstream(shard_path()) << "not a database at all, but long enough to look like a header";
  try {
    merge_shard(main_, shard_path());
    FAIL() << "merged a text file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines().at(0), shard_path() +
                                   ": not a SQLite database; pass --db with a sweep results "
                                   "database or a new file name");
  }
}

TEST_F(ShardTest, CarriedAttemptsOnlyGoUp) {
  carry_attempts(local_, {{grid_[0].id, 2}, {grid_[1].id, 0}});
  carry_attempts(local_, {{grid_[0].id, 1}});
  const auto progress = stored_progress(local_);
  EXPECT_EQ(progress.at(grid_[0].id).attempts, 2);
  EXPECT_EQ(progress.at(grid_[1].id).attempts, 0);
}

}  // namespace
}  // namespace sweep
