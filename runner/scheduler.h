// Runs a registered sweep across worker slots: pretrain the backbones, measure
// each (backbone, target), then keep every slot busy with the next pending
// trial until none is left, recording each result or failure as it arrives.
// With adaptive seeds, when nothing is pending it adds seeds where undecided
// verdicts hinge (analysis/replication.h) and goes on; with successive halving
// it answers each trial at its rungs (halving.h).
// Its collaborators -- the store, the worker pool, the progress display and the
// System (clocks, this process, which processes live) -- are passed to the
// constructor by type, so tests drive it with fakes and start no process.
//
// Failures stay with their trial: a worker that crashes, runs out of memory,
// throws or times out fails the trial it ran, with the cause, and the sweep goes
// on. A slot whose trials fail `max_consecutive_failures` times in a row is taken
// out of rotation; when every slot is out, nothing more is launched.
//
// The scheduler claims trials as this process (System::host_name and
// process_id) and renews their leases while they run. Not thread-safe; the
// collaborators must outlive it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/system.h"
#include "runner/devices.h"
#include "runner/progress.h"
#include "runner/worker_pool.h"
#include "storage/results_store.h"

namespace sweep {

struct SchedulerOptions {
  int max_consecutive_failures = 3;
  double trial_timeout = 0.0;        // seconds a trial may run; 0 = no limit
  double heartbeat_interval = 10.0;  // seconds between lease renewals
  double lease_seconds = 60.0;       // a claim not renewed for this long is stale
  double poll_interval = 0.25;       // seconds to wait for workers per round
  // The verdict rule's tolerance (a fraction), which adaptive replication
  // (spec.grid.max_seeds) uses to tell which verdicts are still undecided.
  double tolerance = 0.01;
  // Asked once per round; true stops the run: running jobs are killed and their
  // trials returned to pending.
  std::function<bool()> stop_requested = [] { return false; };
  // CPU threads a job of this kind may use, asked whenever a job starts
  // (CoreBudget: the runner's share of the cores now; pretraining and measuring
  // hold up the trials behind them, so they may take more than a trial's
  // share). Empty: the slots' threads, fixed.
  std::function<int(Job::Kind)> threads_per_job;
  // How many jobs may run at once, asked whenever a slot is free (CoreBudget:
  // the runner's share of the cores, so that runners sharing a machine do not
  // run more workers than it has cores between them). Empty: every slot.
  std::function<int()> max_running;
  // Called after each trial's result or failure is recorded in the store; a
  // Slurm array task publishes its shard here. May be empty.
  std::function<void()> after_trial;
};

struct RunOutcome {
  int done = 0;       // trials finished by this run
  int failed = 0;     // trials that failed in this run
  int reclaimed = 0;  // stale trials of stopped runners returned to pending
  bool interrupted = false;
  bool out_of_devices = false;                // every slot was taken out of rotation
  std::vector<std::string> failed_backbones;  // names of backbones that could not be pretrained
};

class Scheduler {
 public:
  // `slots[i]` is the WorkerPool's slot i.
  Scheduler(const SweepSpec& spec, ResultsStore& store, WorkerPool& pool, std::vector<Slot> slots,
            ProgressSink& progress, System& system, SchedulerOptions options = {});

  // Runs the sweep to its end, a stop request, or until every slot is out of
  // rotation. Each call is a run of its own; closes the progress display.
  RunOutcome run();

 private:
  class Run;  // one run's state and steps (scheduler.cpp)

  const SweepSpec& spec_;
  ResultsStore& store_;
  WorkerPool& pool_;
  const std::vector<Slot> slots_;
  ProgressSink& progress_;
  System& system_;
  const SchedulerOptions options_;
  const Claimant me_;
};

// "near, 2 blocks, lr 0.01, seed 1"
std::string describe_trial(const TrialSpec& trial);

}  // namespace sweep
