// The loop that runs a registered sweep: claim the next pending trial, run it,
// record its result or its failure, until nothing is pending or a stop is
// requested. The store, the executor, the progress display and the clock are
// passed in, so tests drive it with fakes.
#pragma once

#include <functional>
#include <string>

#include "runner/progress.h"
#include "runner/trial_executor.h"
#include "storage/results_store.h"

namespace sweep {

struct RunOutcome {
  int done = 0;    // trials finished by this run
  int failed = 0;  // trials that failed in this run
  bool interrupted = false;
};

struct RunContext {
  ResultsStore& store;
  TrialExecutor& executor;
  ProgressSink& progress;
  std::function<bool()> stop_requested;
  Clock clock;
  std::string worker;  // this process's claim name, "host:pid"
};

// Pretrains (or finds) every built-in backbone of the sweep and records it.
void prepare_backbones(const SweepSpec& spec, RunContext& context);

// Runs the sweep's pending trials one after another. An interrupted trial goes
// back to pending.
RunOutcome run_pending_trials(const std::string& sweep, RunContext& context);

// "near, 2 blocks, lr 0.01, seed 1"
std::string describe_trial(const TrialSpec& trial);

}  // namespace sweep
