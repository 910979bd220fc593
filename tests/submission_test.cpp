// Submitting a sweep to Slurm through a fake sbatch and squeue: planning,
// writing the submission's folder, recording the job, and the folder removed
// again when sbatch fails. No Slurm, no LibTorch.
#include "runner/submission.h"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <set>

#include "cluster/shard_manifest.h"
#include "cluster/submission_layout.h"
#include "core/grid.h"
#include "core/read_file.h"
#include "core/sweep_file.h"
#include "fake_slurm.h"
#include "fake_system.h"
#include "input_error.h"
#include "runner/shard_folders.h"
#include "spec_fixture.h"
#include "storage/submissions.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using testing::input_error;

const CommandResult kAccepted{true, 0, "42\n", "", ""};
const CommandResult kNoAccounting{true, 1, "", "Slurm accounting storage is disabled\n", ""};

class SubmissionTest : public ::testing::Test {
 protected:
  SubmissionTest() {
    sweep_.path = "s.json";
    sweep_.spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
    sweep_.trials = expand_grid(sweep_.spec);
    options_.db = dir_.file("sweep.db");
    options_.max_parallel = 2;
    options_.cache_dir = dir_.file("cache");
    options_.sweep_binary = "/opt/sweep/bin/sweep";
  }

  SubmissionDraft draft() { return draft_submission(sweep_, options_, slurm_, system_); }

  // Every trial of the grid done but the first, which failed once.
  void finish_all_but_one_failure() {
    ResultsStore store(options_.db, Access::kReadWrite);
    store.register_sweep(sweep_.spec, sweep_.trials, sweep_.path);
    const Claimant me{"here", 1};
    bool first = true;
    while (const auto trial = store.claim_next("unit", me, "cpu", 1e9)) {
      if (first) store.record_failed(trial->id, me, "boom");
      if (!first) store.record_done(trial->id, me, TrialResult{});
      first = false;
    }
  }

  testing::ScopedTempDir dir_;
  LoadedSweep sweep_;
  SubmissionOptions options_;
  testing::FakeRunner runner_;
  Slurm slurm_{runner_};
  testing::FakeSystem system_;  // Unix time 1e9: 2001-09-09 01:46:40 UTC
};

TEST_F(SubmissionTest, PlansWritesSubmitsAndRecords) {
  runner_.answers["sbatch"] = {kAccepted};
  const SubmissionDraft d = draft();
  ASSERT_EQ(d.plan.tasks.size(), 2u) << "one task per (backbone, target)";
  EXPECT_EQ(d.plan.planned, 24);
  EXPECT_EQ(d.plan.done, 0);
  EXPECT_EQ(d.folder, shards_root(options_.db) + "/20010909-014640-unit");
  const SubmissionLayout layout(d.folder);
  EXPECT_NE(d.script.find("#SBATCH --array=0-1%2\n"), std::string::npos) << d.script;
  EXPECT_NE(d.script.find("exec /opt/sweep/bin/sweep shard-run " + layout.manifest_prefix()),
            std::string::npos)
      << d.script;
  EXPECT_FALSE(fs::exists(d.folder)) << "a draft writes nothing";
  EXPECT_FALSE(fs::exists(options_.db));

  EXPECT_EQ(submit_draft(d, sweep_, options_, slurm_), "42");
  ASSERT_EQ(runner_.calls.size(), 1u);
  EXPECT_EQ(runner_.calls[0], (std::vector<std::string>{"sbatch", "--parsable", layout.script()}));
  EXPECT_EQ(read_file(layout.script()), d.script);
  EXPECT_TRUE(fs::is_directory(layout.logs()));
  for (int task = 0; task < 2; ++task) {
    const ShardManifest m = load_manifest(layout.manifest(task));
    EXPECT_EQ(m.task, task);
    EXPECT_EQ(m.submission, "20010909-014640-unit");
    EXPECT_EQ(m.target, d.plan.tasks[task].target);
    EXPECT_EQ(m.trial_ids, d.plan.tasks[task].trial_ids);
    EXPECT_EQ(m.shard_path, layout.shard(task));
    EXPECT_EQ(m.cache_dir, options_.cache_dir);
  }

  ResultsStore store(options_.db, Access::kReadOnly);
  const std::vector<Submission> recorded = submissions(store, "unit");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].job_id, "42");
  EXPECT_EQ(recorded[0].folder, "20010909-014640-unit");
  EXPECT_EQ(recorded[0].tasks, 2);
  EXPECT_EQ(recorded[0].trials, 24);
  EXPECT_EQ(store.trials("unit").size(), 24u) << "the sweep is registered";
}

// A sweep named to climb out of the shards folder gets a submission folder
// inside it all the same: its name is reduced to a slug.
TEST_F(SubmissionTest, ANameCannotLeadTheSubmissionOutOfItsFolder) {
  for (const std::string name : {"../../x", "..", "/etc/passwd", "a/../../b"}) {
    nlohmann::json doc = testing::valid_sweep_json();
    doc["name"] = name;
    sweep_.spec = parse_sweep_text(doc.dump(), "s.json");
    sweep_.trials = expand_grid(sweep_.spec);
    runner_.answers["sbatch"] = {kAccepted};
    const SubmissionDraft d = draft();
    const fs::path folder = fs::weakly_canonical(d.folder);
    EXPECT_EQ(folder.parent_path(), fs::weakly_canonical(shards_root(options_.db))) << name;
    EXPECT_EQ(folder.filename().string().find('/'), std::string::npos);
    submit_draft(d, sweep_, options_, slurm_);
    EXPECT_TRUE(fs::is_directory(folder)) << name;
    std::set<std::string> outside;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      outside.insert(entry.path().filename().string());
    }
    EXPECT_EQ(outside, (std::set<std::string>{"sweep.db", "sweep.db.shards"})) << name;
  }
}

TEST_F(SubmissionTest, AFailedSubmissionLeavesNoFolderAndNoDatabase) {
  const struct {
    std::deque<CommandResult> sbatch;
    std::string error;
  } cases[] = {
      {{},
       "sbatch not found on PATH: run `sweep submit --slurm` where Slurm's commands are "
       "installed (a login node), or add --dry-run to see the batch script"},
      {{{true, 1, "", "sbatch: error: Batch job submission failed: Invalid account\n", ""}},
       "sbatch rejected the job array: sbatch: error: Batch job submission failed: Invalid "
       "account; nothing was submitted"},
  };
  for (const auto& c : cases) {
    runner_.answers["sbatch"] = c.sbatch;
    const SubmissionDraft d = draft();
    EXPECT_EQ(input_error([&] { submit_draft(d, sweep_, options_, slurm_); }), c.error);
    EXPECT_FALSE(fs::exists(d.folder)) << c.error;
    EXPECT_FALSE(fs::exists(options_.db)) << c.error;
  }
}

TEST_F(SubmissionTest, NothingToSubmitWhenEveryTrialIsFinished) {
  finish_all_but_one_failure();
  const SubmissionDraft d = draft();
  EXPECT_TRUE(d.plan.tasks.empty());
  EXPECT_EQ(d.plan.done, 23);
  EXPECT_EQ(d.plan.failed, 1);
  EXPECT_EQ(d.folder, "");
  EXPECT_EQ(d.script, "");
  EXPECT_TRUE(runner_.calls.empty()) << "no earlier job to ask Slurm about, nothing submitted";

  options_.retry_failed = true;
  const SubmissionDraft retry = draft();
  ASSERT_EQ(retry.plan.tasks.size(), 1u);
  ASSERT_EQ(retry.plan.tasks[0].trial_ids.size(), 1u);
  EXPECT_EQ(retry.plan.attempts.at(retry.plan.tasks[0].trial_ids[0]), 1) << "attempts go on";
}

TEST_F(SubmissionTest, TrialsOfTasksSlurmStillRunsAreLeftOut) {
  runner_.answers["sbatch"] = {kAccepted};
  const SubmissionDraft first = draft();
  submit_draft(first, sweep_, options_, slurm_);

  runner_.answers["squeue"] = {{true, 0, "42_0|RUNNING|node1\n", "", ""}};
  runner_.answers["sacct"] = {kNoAccounting};
  const SubmissionDraft again = draft();
  EXPECT_EQ(again.plan.in_flight, 12);
  ASSERT_EQ(again.plan.tasks.size(), 1u) << "task 1 left Slurm's queue with nothing done";
  EXPECT_EQ(again.plan.tasks[0].target, first.plan.tasks[1].target);
  EXPECT_EQ(again.plan.tasks[0].trial_ids, first.plan.tasks[1].trial_ids);
  EXPECT_NE(again.folder, first.folder) << "each submission gets a folder of its own";

  EXPECT_EQ(input_error([&] { draft(); }),
            "squeue not found on PATH: cannot tell which trials Slurm job 42 still runs; nothing "
            "was submitted");
}

TEST_F(SubmissionTest, RefusesValuesABatchScriptCannotCarry) {
  options_.time = "1 day";
  EXPECT_EQ(input_error([&] { draft(); }),
            "--time \"1 day\": Slurm values here are letters, digits and . _ - : , / + =; got ' '");
  EXPECT_TRUE(runner_.calls.empty());
}

}  // namespace
}  // namespace sweep
