// `sweep submit --slurm FILE`: register the sweep and run what is not done yet
// as one Slurm job array, a task per (backbone, target).
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_submit_command(CLI::App& app, int& exit_code);

}  // namespace sweep
