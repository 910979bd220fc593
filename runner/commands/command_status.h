// `sweep status`: per sweep, trials by state, what runs where, elapsed and
// remaining time. Reads the database only, so it works beside a running sweep.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_status_command(CLI::App& app, int& exit_code);

}  // namespace sweep
