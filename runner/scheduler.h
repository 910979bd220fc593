// Runs a registered sweep across worker slots: pretrain the backbones, then keep
// every slot busy with the next pending trial until none is left, recording each
// result or failure as it arrives. The store, the worker pool, the progress
// display, the clock and the stop flag are passed in, so tests drive it with
// fakes and start no process.
//
// Failures stay with their trial: a worker that crashes, runs out of memory,
// throws or times out fails the trial it ran, with the cause, and the sweep goes
// on. A slot whose trials fail `max_consecutive_failures` times in a row is taken
// out of rotation; when every slot is out, nothing more is launched.
#pragma once

#include <functional>
#include <string>
#include <vector>

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
};

struct RunContext {
  ResultsStore& store;
  WorkerPool& pool;
  std::vector<Slot> slots;
  ProgressSink& progress;
  std::function<bool()> stop_requested;
  Clock clock;                  // monotonic seconds, for durations
  std::function<double()> now;  // Unix seconds, for leases in the database
  std::function<bool(int64_t)> process_alive;
  Claimant me;
  SchedulerOptions options;
  // Called after each trial's result or failure is recorded in the store; a
  // Slurm array task publishes its shard here. May be empty.
  std::function<void()> after_trial = nullptr;
};

struct RunOutcome {
  int done = 0;       // trials finished by this run
  int failed = 0;     // trials that failed in this run
  int reclaimed = 0;  // stale trials of stopped runners returned to pending
  bool interrupted = false;
  bool out_of_devices = false;                // every slot was taken out of rotation
  std::vector<std::string> failed_backbones;  // names of backbones that could not be pretrained
};

RunOutcome run_sweep(const SweepSpec& spec, RunContext& context);

// "near, 2 blocks, lr 0.01, seed 1"
std::string describe_trial(const TrialSpec& trial);

}  // namespace sweep
