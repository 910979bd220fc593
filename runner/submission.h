// Submitting a sweep to Slurm as one job array, in two steps: draft_submission
// works out what is left to run and how it splits into array tasks (reading the
// results database, the shards beside it and, for earlier submissions, Slurm's
// queue); submit_draft writes the submission's folder (SubmissionLayout),
// submits it with sbatch, removes the folder again when that fails, and then
// registers the sweep and records the job in the database. `sweep submit
// --slurm` only parses its options and prints. Slurm comes in as a Slurm over a
// CommandRunner and the clock as a System, so tests fake both. Not thread-safe.
#pragma once

#include <string>

#include "cluster/shard_plan.h"
#include "cluster/slurm.h"
#include "core/system.h"
#include "runner/loaded_sweep.h"

namespace sweep {

struct SubmissionOptions {
  std::string db = "sweep.db";  // the results database, as the user named it
  bool retry_failed = false;    // submit the sweep's failed trials again
  std::string partition;        // "" = the cluster's default
  int gpus_per_task = 0;        // --gres=gpu:N; 0 = the CPU
  int cpus_per_task = 0;        // 0 = the cluster's default
  int max_parallel = 0;         // array tasks running at once; 0 = no limit
  std::string time;             // time limit per task, Slurm's format; "" = the partition's
  std::string cache_dir;        // absolute: pretrained weights, on a filesystem every node sees
  std::string sweep_binary;     // absolute: the sweep the array tasks run
};

// A submission worked out, nothing written yet.
struct SubmissionDraft {
  SubmissionPlan plan;  // what is left and how it splits into tasks; no tasks: nothing to submit
  std::string folder;   // absolute; a new name under the shards folder ("" without tasks)
  std::string script;   // the batch script ("" without tasks)
};

// Reads only. Throws InputError for a partition or time limit that a #SBATCH
// line cannot carry, a shards folder whose path it cannot carry either, or
// when Slurm cannot say which trials an earlier submission's tasks still hold.
SubmissionDraft draft_submission(const LoadedSweep& sweep, const SubmissionOptions& options,
                                 Slurm& slurm, System& system);

// Writes the draft's folder and submits it. When either fails, the folder is
// removed and the error goes on (sbatch's are InputError): the database is not
// touched. Then registers the sweep and records the job; a failure there says
// that the job was submitted all the same. Returns the Slurm job id.
std::string submit_draft(const SubmissionDraft& draft, const LoadedSweep& sweep,
                         const SubmissionOptions& options, Slurm& slurm);

}  // namespace sweep
