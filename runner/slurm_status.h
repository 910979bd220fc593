// The Slurm part of `sweep status`: per submission of a sweep, what Slurm says
// of each array task (squeue, sacct) beside how far the task's shard has got,
// and how many finished trials wait to be merged.
#pragma once

#include <string>

#include "cluster/slurm.h"
#include "storage/results_store.h"

namespace sweep {

// Empty when the sweep was never submitted to Slurm. `db` is the path the user
// gave; the shards are found next to it.
std::string describe_submissions(ResultsStore& store, const std::string& db,
                                 const std::string& sweep, Slurm& slurm);

}  // namespace sweep
