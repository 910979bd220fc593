// What the subcommands share: exit codes, the --db option, error reporting.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace sweep {

// Exit codes of every command (README, "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitTrialsFailed = 1,  // also: an unexpected error
  kExitBadInput = 2,      // nothing was written
  kExitInterrupted = 130,
};

// Adds --db PATH (default sweep.db in the current folder).
void add_db_option(CLI::App& command, std::string& db);

// Runs a command body and turns sweep's typed errors into messages on stderr and
// exit codes: InputError -> 2, Interrupted -> 130, anything else -> 1.
int run_guarded(const std::function<int()>& body);

// Where pretrained weights are cached: $SWEEP_CACHE, $XDG_CACHE_HOME/sweep,
// $HOME/.cache/sweep, or .sweep-cache in the current folder.
std::string default_cache_dir();

}  // namespace sweep
