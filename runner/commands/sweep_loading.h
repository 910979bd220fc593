// Loading a sweep file for the commands that run it: the spec, its grid, and
// the check that every dataset and TorchScript file it names is on disk and
// readable (so this links the data and training libraries), and the content
// digests of the backbones and datasets that trial identities hash. Throws
// InputError with every problem found, before anything is written.
#pragma once

#include <string>

#include "runner/loaded_sweep.h"

namespace sweep {

// `cache_dir` keeps the memo of file digests (content_digest.h); none when empty.
LoadedSweep load_checked_sweep(const std::string& path, const std::string& cache_dir);

// Renames the trials an earlier release recorded in the database `db` under
// ids that held paths (storage/trial_renames.h), and says so once. Does
// nothing when `db` does not exist yet.
void adopt_earlier_trials(const LoadedSweep& sweep, const std::string& db);

// Prints the sweep's notes (see LoadedSweep), a line each, after the file's name.
void print_notes(const LoadedSweep& sweep);

// "2 backbones x 2 targets x 6 depths x 2 lr x 2 seeds = 96 trials"
std::string describe_grid(const LoadedSweep& sweep);

}  // namespace sweep
