// The batch script of a Slurm submission.
#include "cluster/batch_script.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace sweep {
namespace {

TEST(BatchScript, EveryOptionInItsPlace) {
  BatchSettings s;
  s.job_name = "sweep-smoke";
  s.tasks = 4;
  s.max_parallel = 2;
  s.partition = "gpu";
  s.gpus_per_task = 1;
  s.cpus_per_task = 8;
  s.time = "1-02:00:00";
  s.sweep_binary = "/opt/sweep/bin/sweep";
  s.folder = "/shared/sweep.db.shards/20250101-120000-smoke";
  EXPECT_EQ(batch_script(s),
            "#!/bin/bash\n"
            "# Written by `sweep submit --slurm`: array task N runs the trials of one\n"
            "# (backbone, target) pair, listed in task-N.json, and publishes its results\n"
            "# to task-N.db; `sweep merge` folds those into the main database.\n"
            "#SBATCH --job-name=sweep-smoke\n"
            "#SBATCH --array=0-3%2\n"
            "#SBATCH --output=/shared/sweep.db.shards/20250101-120000-smoke/logs/task-%a.log\n"
            "#SBATCH --open-mode=append\n"
            "#SBATCH --requeue\n"
            "#SBATCH --partition=gpu\n"
            "#SBATCH --gres=gpu:1\n"
            "#SBATCH --cpus-per-task=8\n"
            "#SBATCH --time=1-02:00:00\n"
            "exec /opt/sweep/bin/sweep shard-run "
            "/shared/sweep.db.shards/20250101-120000-smoke/task-\"${SLURM_ARRAY_TASK_ID}\".json\n");
}

TEST(BatchScript, LeavesTheClusterDefaultsAlone) {
  BatchSettings s;
  s.job_name = "sweep-x";
  s.tasks = 1;
  s.sweep_binary = "/b/sweep";
  s.folder = "/d/x";
  const std::string script = batch_script(s);
  EXPECT_NE(script.find("#SBATCH --array=0-0\n"), std::string::npos) << script;
  for (const char* absent : {"--partition", "--gres", "--cpus-per-task", "--time"}) {
    EXPECT_EQ(script.find(std::string("#SBATCH ") + absent), std::string::npos) << absent;
  }
}

TEST(BatchScript, QuotesPathsForTheShell) {
  BatchSettings s;
  s.tasks = 1;
  s.sweep_binary = "/home/o'neil/my sweep/sweep";
  s.folder = "/d/x";
  const std::string script = batch_script(s);
  EXPECT_NE(script.find("exec '/home/o'\\''neil/my sweep/sweep' shard-run /d/x/task-"),
            std::string::npos)
      << script;
}

TEST(BatchScript, JobNamesKeepToSafeCharacters) {
  EXPECT_EQ(slurm_job_name("cats_vs_buildings"), "sweep-cats_vs_buildings");
  EXPECT_EQ(slurm_job_name("a b/c\"d"), "sweep-a_b_c_d");
}

TEST(BatchScript, RejectsValuesASbatchLineWouldMisread) {
  EXPECT_NO_THROW(check_slurm_value("--time", "1-02:00:00"));
  EXPECT_NO_THROW(check_slurm_value("--partition", "gpu,gpu-long"));
  try {
    check_slurm_value("--partition", "gpu long");
    FAIL() << "accepted a space";
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines().at(0),
              "--partition \"gpu long\": Slurm values here are letters, digits and "
              ". _ - : , / + =; got ' '");
  }
}

}  // namespace
}  // namespace sweep
