// `sweep predict FILE`: each target's verdict predicted before any training,
// from the probe curve (probes and LogME at every block boundary).
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_predict_command(CLI::App& app, int& exit_code);

}  // namespace sweep
