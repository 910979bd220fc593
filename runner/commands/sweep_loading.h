// Loading a sweep file for the commands that run it: the spec, its grid, and
// the check that every dataset and TorchScript file it names is on disk and
// readable (so this links the data and training libraries). Throws InputError
// with every problem found, before anything is written.
#pragma once

#include <string>

#include "runner/loaded_sweep.h"

namespace sweep {

LoadedSweep load_checked_sweep(const std::string& path);

// "2 backbones x 2 targets x 6 depths x 2 lr x 2 seeds = 96 trials"
std::string describe_grid(const LoadedSweep& sweep);

}  // namespace sweep
