// `sweep validate FILE`: checks a sweep file and its datasets without running
// or writing anything.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_validate_command(CLI::App& app, int& exit_code);

}  // namespace sweep
