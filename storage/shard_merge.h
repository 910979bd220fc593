// Folding shards into the main results database. A shard is the results
// database of one Slurm array task (see shard_file.h); `sweep merge` folds every
// shard in, and may do so any number of times.
//
// Keyed by trial id, a trial finished in the shard replaces the main database's
// copy when supersedes() says so (core/trial_progress.h): a done trial is never
// replaced; a done trial replaces anything else, with its results, per-epoch
// metrics and environment; a failure replaces no later attempt and no running
// claim. A trial the main database lacks is added. Trials pending or running in
// the shard (its task died or goes on) are left alone. Merging the same shards
// again, in any order, changes nothing.
#pragma once

#include <map>
#include <string>

#include "core/trial_progress.h"
#include "storage/results_store.h"

namespace sweep {

struct MergeCount {
  int done = 0;        // trials recorded as done by this merge
  int failed = 0;      // trials recorded as failed by this merge
  int unchanged = 0;   // finished in the shard, already as far along in the main database
  int unfinished = 0;  // pending or running in the shard
};

// Folds the shard into `main` in one transaction. Throws InputError when the
// file is not a results database this sweep reads.
MergeCount merge_shard(ResultsStore& main, const std::string& shard_path);

// Every trial the database holds, with its state and attempts.
std::map<std::string, TrialProgress> stored_progress(ResultsStore& store);

}  // namespace sweep
