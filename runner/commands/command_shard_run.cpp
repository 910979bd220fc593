#include "runner/commands/command_shard_run.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>

#include "cluster/shard_manifest.h"
#include "core/errors.h"
#include "core/grid.h"
#include "core/system.h"
#include "experiments/train/cuda_devices.h"
#include "runner/commands/cli.h"
#include "runner/devices.h"
#include "runner/interrupt.h"
#include "runner/process_pool.h"
#include "runner/run_sweep.h"
#include "storage/shard_file.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

struct ShardRunOptions {
  std::string manifest;
};

// The sweep cut down to the task's backbones and targets, so that the scheduler
// prepares only what the task's trials use.
SweepSpec task_spec(const SweepSpec& sweep, const std::vector<TrialSpec>& trials) {
  std::set<std::string> backbones, targets;
  for (const TrialSpec& t : trials) {
    backbones.insert(t.backbone.name);
    targets.insert(t.target.name);
  }
  SweepSpec spec = sweep;
  spec.backbones.erase(
      std::remove_if(spec.backbones.begin(), spec.backbones.end(),
                     [&](const BackboneSpec& b) { return !backbones.count(b.name); }),
      spec.backbones.end());
  spec.targets.erase(std::remove_if(spec.targets.begin(), spec.targets.end(),
                                    [&](const TargetSpec& t) { return !targets.count(t.name); }),
                     spec.targets.end());
  return spec;
}

std::vector<TrialSpec> task_trials(const ShardManifest& m, const std::string& source) {
  std::map<std::string, TrialSpec> grid;
  for (TrialSpec& t : expand_grid(m.sweep)) grid.emplace(t.id, std::move(t));
  std::vector<TrialSpec> trials;
  for (const std::string& id : m.trial_ids) {
    const auto it = grid.find(id);
    if (it == grid.end()) {
      throw InputError(source + ": trial " + id + " is not in the grid of sweep " + m.sweep.name +
                       "; the manifest does not match its sweep");
    }
    trials.push_back(it->second);
  }
  return trials;
}

// The devices Slurm gave the task: its GPUs (CUDA_VISIBLE_DEVICES) and its
// cores (all of the machine's outside Slurm).
DeviceInventory task_inventory(System& system) {
  const auto cpus = system.env("SLURM_CPUS_ON_NODE");
  const int slurm_cores = cpus ? std::atoi(cpus->c_str()) : 0;
  return {cuda_device_count(), slurm_cores > 0 ? slurm_cores : system.cpu_cores(),
          system.env("CUDA_VISIBLE_DEVICES")};
}

// "20250101-120000-smoke task 1 (backbone on target) on node7: 12 trials, ..."
std::string start_line(const ShardManifest& m, const Registration& registration, bool resumed,
                       size_t abandoned, const std::vector<Slot>& slots,
                       const DeviceInventory& inventory, const std::string& host) {
  const auto& visible = inventory.cuda_visible_devices;
  std::string line = m.submission + " task " + std::to_string(m.task) + " (" + m.backbone + " on " +
                     m.target + ") on " + host + ": " + std::to_string(registration.total) +
                     " trials, " + std::to_string(registration.done) + " already done";
  if (resumed) line += ", resumed from " + m.shard_path;
  if (abandoned > 0) line += "; " + std::to_string(abandoned) + " interrupted trials run again";
  line += "; " + std::to_string(slots.size()) +
          (slots.size() == 1 ? " worker on " : " workers on ") + slots.front().device +
          "; CUDA_VISIBLE_DEVICES=" + (visible ? *visible : "(unset)");
  return line;
}

int shard_run(const ShardRunOptions& o, System& system) {
  const ShardManifest m = load_manifest(o.manifest);
  const std::vector<TrialSpec> trials = task_trials(m, o.manifest);
  const SweepSpec spec = task_spec(m.sweep, trials);
  const ScratchDir scratch =
      system.scratch_dir("sweep-shard", "the task's results database");  // local disk
  const std::string local = scratch.file("results.db");
  const bool resumed = fs::exists(m.shard_path);
  if (resumed) fs::copy_file(m.shard_path, local);  // a requeued task goes on from there

  ResultsStore store(local, Access::kReadWrite);
  const Registration registration = store.register_sweep(spec, trials, o.manifest);
  carry_attempts(store, m.attempts);
  // Everything in this database belongs to this task: a trial still running is
  // one an earlier run of the task left behind when it was stopped.
  const auto abandoned = store.reclaim_stale(system.unix_seconds(), 0.0, system.host_name(),
                                             [](int64_t) { return false; });
  const DeviceInventory inventory = task_inventory(system);
  const std::vector<Slot> slots = plan_slots("auto", 1, 0, inventory, largest_input_pixels(spec));
  std::printf("%s\n", start_line(m, registration, resumed, abandoned.size(), slots, inventory,
                                 system.host_name())
                          .c_str());
  std::fflush(stdout);

  // A shard that cannot be written (a full disk) stops the task; the last shard
  // stays whole, and what was finished after it runs again with the task.
  const auto publish = [&] {
    try {
      publish_shard(system, store, scratch.path().string(), m.shard_path);
    } catch (const RuntimeError& e) {
      throw RuntimeError(std::string("cannot publish the task's results: ") + e.what() +
                         "; trials finished since its last shard run again when the task does");
    }
  };
  publish();
  InterruptGuard interrupts;
  auto progress = make_progress(stderr);
  ProcessPool pool(slots, m.cache_dir);
  SweepRunOptions running;
  running.stop_requested = &InterruptGuard::stop_requested;
  running.after_trial = publish;
  const RunOutcome outcome = run_sweep(spec, store, pool, slots, *progress, system, running);
  // Slurm signals every process of a task it stops, workers included, so a
  // worker may die of it before the runner notices its own signal.
  const int stopped = requeue_stopped_by_slurm(store);
  const bool interrupted = outcome.interrupted || stopped > 0;
  publish();
  std::printf("%s task %d: %d trials finished, %d failed in this run%s\n", m.submission.c_str(),
              m.task, outcome.done, outcome.failed - stopped,
              interrupted ? "; stopped, the rest runs when the task runs again" : "");
  if (interrupted) return kExitInterrupted;
  bool incomplete = outcome.out_of_devices || !outcome.failed_backbones.empty();
  for (const TrialRecord& t : store.trials(spec.name))
    incomplete = incomplete || t.state != TrialState::kDone;
  return incomplete ? kExitTrialsFailed : kExitOk;
}

}  // namespace

void add_shard_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ShardRunOptions>();
  CLI::App* command =
      app.add_subcommand("shard-run", "internal: one array task of `sweep submit --slurm`");
  command->group("");  // hidden from --help
  command->add_option("manifest", o->manifest, "the task's manifest (task-N.json)")->required();
  command->callback(
      [o, &exit_code] { exit_code = run_guarded([&] { return shard_run(*o, real_system()); }); });
}

}  // namespace sweep
