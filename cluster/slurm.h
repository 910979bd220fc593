// Slurm as sweep uses it: submit a batch script, ask what became of a job
// array's tasks. Runs sbatch, squeue and sacct through a CommandRunner, so tests
// fake their output. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "cluster/command_runner.h"
#include "cluster/slurm_output.h"

namespace sweep {

// What Slurm knows of a job array's tasks. Tasks it has forgotten (finished
// longer ago than MinJobAge, without accounting) are absent.
struct JobTasks {
  std::map<int, TaskState> tasks;
  std::string unknown;  // when Slurm could not be asked: why, e.g. "squeue not found on PATH"
};

class Slurm {
 public:
  explicit Slurm(CommandRunner& runner) : runner_(runner) {}

  // Submits the batch script and returns the job id. Throws InputError when
  // sbatch is not there or rejects the job, with sbatch's own words.
  std::string submit(const std::string& script_path);

  // The job's tasks: squeue (which also lists recently finished tasks), then
  // sacct for the others when the cluster keeps accounting.
  JobTasks tasks(const std::string& job_id);

 private:
  CommandRunner& runner_;
};

}  // namespace sweep
