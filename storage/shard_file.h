// The results database of one Slurm array task, and publishing it as a shard.
//
// A task works in a results database on the node's local disk, where SQLite's
// locking is sound, and never writes the main database. After each finished
// trial it publishes a copy into the submission's folder next to the main
// database -- often a network filesystem -- as a plain file written beside its
// final name and renamed over it. A shard is therefore never changed in place:
// readers open it immutable (no locks), and a task that is requeued or
// preempted resumes from its last copy. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "core/system.h"
#include "storage/results_store.h"

namespace sweep {

// Writes a consistent copy of `store` to `shard_path`, atomically: a snapshot
// (VACUUM INTO) in `scratch_dir`, switched to a rollback journal so readers need
// no -wal or -shm file, then written to `shard_path` by write_file (whole or
// not at all; the last shard stays when the disk is full). Throws RuntimeError
// naming the path on failure.
void publish_shard(System& system, ResultsStore& store, const std::string& scratch_dir,
                   const std::string& shard_path);

// Returns trials that failed because their worker was ended by SIGTERM to
// pending, without counting the attempt, and returns how many. sweep never
// sends SIGTERM to its own workers, so inside an array task that signal means
// Slurm is stopping the task (scancel, preemption, the time limit): the trial
// did not fail, it was interrupted, and runs again when the task does.
int requeue_stopped_by_slurm(ResultsStore& store);

// Raises each trial's attempt count to at least the given one, so attempts made
// by earlier submissions go on counting.
void carry_attempts(ResultsStore& store, const std::map<std::string, int>& attempts);

}  // namespace sweep
