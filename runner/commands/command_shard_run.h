// `sweep shard-run MANIFEST`: internal; one Slurm array task. Runs the trials
// its manifest lists in a results database on local disk, with worker processes
// on the devices Slurm gave the task, and publishes that database as the task's
// shard after each finished trial. A requeued or preempted task resumes from its
// last shard and never runs a finished trial again.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_shard_run_command(CLI::App& app, int& exit_code);

}  // namespace sweep
