// Reading what Slurm's commands print. Pure, so the parsing is tested against
// recorded output without a Slurm.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace sweep {

// One array task as Slurm reports it.
struct TaskState {
  std::string state;   // PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, ...
  std::string detail;  // "on NODE", "(REASON)" or "exit code N:S"; may be empty
};

// `sbatch --parsable` prints "JOBID" or "JOBID;CLUSTER".
std::optional<std::string> parse_sbatch_job_id(const std::string& out);

// `squeue -h -r -t all -j JOB -o '%i|%T|%R'`: one line per array task,
// "12_3|RUNNING|node1"; pending tasks may come folded, "12_[4-6,9%2]|PENDING|(...)".
// Lines of other jobs are skipped.
std::map<int, TaskState> parse_squeue(const std::string& out, const std::string& job);

// `sacct -n -X -P -j JOB -o JobID,State,ExitCode`: "12_3|CANCELLED by 0|0:15".
std::map<int, TaskState> parse_sacct(const std::string& out, const std::string& job);

// Whether a task in this state may still run: pending, running, requeued,
// suspended... Anything else has ended.
bool task_may_run(const std::string& state);

}  // namespace sweep
