// Talking to Slurm: parsing what its commands print, and the client over a fake
// CommandRunner. The outputs below were recorded from Slurm 22.05 (Debian 12).
#include "cluster/slurm.h"

#include <gtest/gtest.h>

#include "fake_slurm.h"
#include "input_error.h"

namespace sweep {
namespace {

TEST(SlurmOutput, SbatchJobId) {
  EXPECT_EQ(parse_sbatch_job_id("12\n"), "12");
  EXPECT_EQ(parse_sbatch_job_id("4711;cluster\n"), "4711");
  EXPECT_EQ(parse_sbatch_job_id("Submitted batch job 12\n"), std::nullopt);
  EXPECT_EQ(parse_sbatch_job_id(""), std::nullopt);
}

TEST(SlurmOutput, SqueueOneLinePerTaskOrFolded) {
  const auto tasks = parse_squeue(
      "7_3|RUNNING|vm\n"
      "7_2|COMPLETED|vm\n"
      "7_[4-6,9%2]|PENDING|(JobArrayTaskLimit)\n"
      "8_0|RUNNING|vm\n"
      "garbage\n",
      "7");
  ASSERT_EQ(tasks.size(), 6u);
  EXPECT_EQ(tasks.at(3).state, "RUNNING");
  EXPECT_EQ(tasks.at(3).detail, "on vm");
  EXPECT_EQ(tasks.at(2).state, "COMPLETED");
  for (int i : {4, 5, 6, 9}) {
    EXPECT_EQ(tasks.at(i).state, "PENDING") << i;
    EXPECT_EQ(tasks.at(i).detail, "(JobArrayTaskLimit)") << i;
  }
  EXPECT_TRUE(parse_squeue("", "7").empty());
  EXPECT_TRUE(parse_squeue("17_1|RUNNING|vm\n", "7").empty()) << "another job";
}

TEST(SlurmOutput, SacctStateIsItsFirstWord) {
  const auto tasks =
      parse_sacct("5_0|COMPLETED|0:0\n5_1|CANCELLED by 0|0:15\n5_2|FAILED|1:0\n", "5");
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks.at(0).state, "COMPLETED");
  EXPECT_EQ(tasks.at(1).state, "CANCELLED");
  EXPECT_EQ(tasks.at(1).detail, "exit code 0:15");
  EXPECT_EQ(tasks.at(2).state, "FAILED");
}

TEST(SlurmOutput, WhichStatesMayStillRun) {
  for (const char* s : {"PENDING", "RUNNING", "REQUEUED", "SUSPENDED", "COMPLETING"})
    EXPECT_TRUE(task_may_run(s)) << s;
  for (const char* s : {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "PREEMPTED", "NODE_FAIL",
                        "OUT_OF_MEMORY", ""})
    EXPECT_FALSE(task_may_run(s)) << s;
}

using testing::FakeRunner;
using testing::input_error;

TEST(Slurm, SubmitReturnsTheJobId) {
  FakeRunner runner;
  runner.answers["sbatch"] = {{true, 0, "42\n", "", ""}};
  Slurm slurm(runner);
  EXPECT_EQ(slurm.submit("/d/submit.sh"), "42");
  EXPECT_EQ(runner.calls.at(0), (std::vector<std::string>{"sbatch", "--parsable", "/d/submit.sh"}));
}

TEST(Slurm, SubmitWithoutSbatchSaysWhatToDo) {
  FakeRunner runner;
  Slurm slurm(runner);
  EXPECT_EQ(input_error([&] { slurm.submit("/d/submit.sh"); }),
            "sbatch not found on PATH: run `sweep submit --slurm` where Slurm's commands are "
            "installed (a login node), or add --dry-run to see the batch script");
}

TEST(Slurm, ARejectionCarriesSbatchsOwnWords) {
  FakeRunner runner;
  runner.answers["sbatch"] = {
      {true, 1, "",
       "sbatch: error: invalid partition specified: nosuch\n"
       "sbatch: error: Batch job submission failed: Invalid partition name specified\n",
       ""},
      {true, 255, "", "", ""}};
  Slurm slurm(runner);
  EXPECT_EQ(input_error([&] { slurm.submit("s.sh"); }),
            "sbatch rejected the job array: sbatch: error: invalid partition specified: nosuch; "
            "sbatch: error: Batch job submission failed: Invalid partition name specified; "
            "nothing was submitted");
  EXPECT_EQ(input_error([&] { slurm.submit("s.sh"); }),
            "sbatch rejected the job array: exit code 255; nothing was submitted");
}

TEST(Slurm, TasksFromTheQueueThenFromAccounting) {
  FakeRunner runner;
  runner.answers["squeue"] = {{true, 0, "9_1|RUNNING|node3\n", "", ""}};
  runner.answers["sacct"] = {{true, 0, "9_0|COMPLETED|0:0\n9_1|RUNNING|0:0\n", "", ""}};
  Slurm slurm(runner);
  const JobTasks job = slurm.tasks("9");
  EXPECT_EQ(job.unknown, "");
  ASSERT_EQ(job.tasks.size(), 2u);
  EXPECT_EQ(job.tasks.at(0).state, "COMPLETED");
  EXPECT_EQ(job.tasks.at(1).detail, "on node3") << "squeue's word wins";
  EXPECT_EQ(runner.calls.at(0), (std::vector<std::string>{"squeue", "-h", "-r", "-t", "all", "-j",
                                                          "9", "-o", "%i|%T|%R"}));
}

TEST(Slurm, AForgottenJobWithoutAccountingHasNoTasks) {
  FakeRunner runner;
  runner.answers["squeue"] = {
      {true, 1, "", "slurm_load_jobs error: Invalid job id specified\n", ""}};
  runner.answers["sacct"] = {{true, 1, "", "Slurm accounting storage is disabled\n", ""}};
  Slurm slurm(runner);
  const JobTasks job = slurm.tasks("9");
  EXPECT_EQ(job.unknown, "");
  EXPECT_TRUE(job.tasks.empty());
}

TEST(Slurm, SaysWhySlurmCouldNotBeAsked) {
  FakeRunner missing;
  EXPECT_EQ(Slurm(missing).tasks("9").unknown, "squeue not found on PATH");
  FakeRunner down;
  down.answers["squeue"] = {
      {true, 1, "", "slurm_load_jobs error: Unable to contact slurm controller\n", ""}};
  EXPECT_EQ(Slurm(down).tasks("9").unknown,
            "squeue failed: slurm_load_jobs error: Unable to contact slurm controller");
}

TEST(ProcessRunner, CollectsOutputErrorsAndExitCode) {
  auto runner = make_process_runner();
  const CommandResult r = runner->run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  const CommandResult missing = runner->run({"sweep-no-such-program"});
  EXPECT_FALSE(missing.started);
  EXPECT_EQ(missing.error, "not found on PATH");
}

}  // namespace
}  // namespace sweep
