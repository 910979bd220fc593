// `sweep merge`: fold the shards that Slurm array tasks published into the main
// results database. Idempotent: merging twice changes nothing.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_merge_command(CLI::App& app, int& exit_code);

}  // namespace sweep
