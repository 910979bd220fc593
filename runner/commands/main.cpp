// sweep: measure whether a frozen backbone's head is enough, or how many blocks
// to unfreeze, at what learning rate and cost. main only wires the subcommands.
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "runner/commands/command_merge.h"
#include "runner/commands/command_predict.h"
#include "runner/commands/command_query.h"
#include "runner/commands/command_report.h"
#include "runner/commands/command_run.h"
#include "runner/commands/command_shard_run.h"
#include "runner/commands/command_status.h"
#include "runner/commands/command_submit.h"
#include "runner/commands/command_validate.h"
#include "runner/commands/command_worker.h"

namespace {

// Registers the subcommands and runs the one asked for.
int run(int argc, char** argv) {
  CLI::App app{"sweep: freeze or fine-tune? Measured, not guessed."};
  app.require_subcommand(1);
  app.set_version_flag("--version", SWEEP_VERSION);
  int exit_code = 0;
  sweep::add_run_command(app, exit_code);
  sweep::add_report_command(app, exit_code);
  sweep::add_query_command(app, exit_code);
  sweep::add_status_command(app, exit_code);
  sweep::add_validate_command(app, exit_code);
  sweep::add_predict_command(app, exit_code);
  sweep::add_worker_command(app, exit_code);
  sweep::add_submit_command(app, exit_code);
  sweep::add_merge_command(app, exit_code);
  sweep::add_shard_run_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace

// Commands turn their own errors into messages and exit codes (run_guarded);
// this catches what escapes the wiring itself.
int main(int argc, char** argv) {
  // One intra-op thread until a command asks for more (a worker or `sweep predict`
  // sets its own count). A runner trains nothing: an OpenMP team of its own only sat
  // beside its workers, and under a user's OMP_WAIT_POLICY=ACTIVE its idle threads
  // spun without end: pretraining took 2.25x as long on LibTorch 2.6 (bench/RESULTS.md).
  at::set_num_threads(1);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep: error: %s\n", e.what());
    return 1;
  }
}
