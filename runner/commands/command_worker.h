// `sweep worker`: the process `sweep run` starts per device slot. Not for users:
// it speaks the worker protocol on stdin and stdout.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_worker_command(CLI::App& app, int& exit_code);

}  // namespace sweep
