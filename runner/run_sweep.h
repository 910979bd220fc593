// The one way a registered sweep's trials are run on this machine: `sweep run`
// and a Slurm array task (`sweep shard-run`) both call run_sweep, which decides
// the scheduler's options in one place (how long a trial may run, when a
// device leaves rotation, how runners share the cores) and runs the Scheduler
// over the pool. Registration, and what the commands print around the run,
// stay with the commands. The collaborators are passed in, so tests use the
// fake pool and start no process.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "core/system.h"
#include "runner/devices.h"
#include "runner/progress.h"
#include "runner/scheduler.h"
#include "runner/worker_pool.h"
#include "storage/results_store.h"

namespace sweep {

struct SweepRunOptions {
  double trial_timeout = 0.0;   // seconds a trial may run; 0 = no limit
  int max_device_failures = 3;  // failures in a row that take a slot out of rotation
  double tolerance = 0.01;      // the verdict rule's, a fraction (adaptive seeds)
  // Where the runners on this machine register to share its cores (CoreBudget),
  // for CPU workers whose threads the user left to sweep. Empty: each slot keeps
  // its threads and every slot runs (a Slurm task owns the cores it was given).
  std::optional<std::filesystem::path> shared_cores;
  // Asked once per round; true stops the run (Ctrl-C: InterruptGuard).
  std::function<bool()> stop_requested = [] { return false; };
  // Called after each trial's result or failure is recorded (a Slurm task
  // publishes its shard). May be empty.
  std::function<void()> after_trial;
};

// Runs the sweep's pending trials (and first its backbones and measures) over
// the pool's `slots` until none is left, a stop is asked for, or every slot is
// out of rotation.
RunOutcome run_sweep(const SweepSpec& spec, ResultsStore& store, WorkerPool& pool,
                     const std::vector<Slot>& slots, ProgressSink& progress, System& system,
                     const SweepRunOptions& options);

}  // namespace sweep
