// `sweep run FILE`: validate, register the grid, run what is not done yet.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_run_command(CLI::App& app, int& exit_code);

}  // namespace sweep
