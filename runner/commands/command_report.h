// `sweep report`: the verdicts and tables in the terminal, or with --html one
// self-contained HTML file.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_report_command(CLI::App& app, int& exit_code);

}  // namespace sweep
