// What a Slurm submission runs and how it is split into array tasks. Pure: what
// the database, the shards and Slurm's queue know comes in as values.
//
// Trials sharing a backbone and a target go to the same task, so a task loads
// one backbone's pretrained weights and one target's data, and a head-only
// trial's cached features serve the task's other trials of that pair.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "core/trial_progress.h"

namespace sweep {

// One array task: the trials of one (backbone, target) pair, in grid order.
struct ShardTask {
  std::string backbone;
  std::string target;
  std::vector<std::string> trial_ids;
};

struct SubmissionPlan {
  std::vector<ShardTask> tasks;
  std::map<std::string, int> attempts;  // attempts so far of each planned trial
  int total = 0;                        // trials in the grid
  int done = 0;                         // done in the database or a shard: left out
  int failed = 0;                       // failed, left out without --retry-failed
  int in_flight = 0;  // in queued or running tasks of earlier submissions: left out
  int planned = 0;    // trials in `tasks`
};

// `known`: what the database and the shards know, folded with fold_progress.
// `in_flight`: trials of earlier submissions' tasks that Slurm still holds.
SubmissionPlan plan_submission(const std::vector<TrialSpec>& grid,
                               const std::map<std::string, TrialProgress>& known,
                               const std::set<std::string>& in_flight, bool retry_failed);

}  // namespace sweep
