#include "runner/command_shard_run.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "cluster/shard_manifest.h"
#include "core/errors.h"
#include "core/grid.h"
#include "experiments/train/cuda_devices.h"
#include "runner/cli.h"
#include "runner/devices.h"
#include "runner/interrupt.h"
#include "runner/process_pool.h"
#include "runner/scheduler.h"
#include "storage/shard_file.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

struct ShardRunOptions {
  std::string manifest;
};

// A private folder on the node's local disk, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string base = "/tmp";
    for (const char* name : {"SLURM_TMPDIR", "TMPDIR"}) {
      if (const char* dir = std::getenv(name); dir && *dir) {
        base = dir;
        break;
      }
    }
    std::string pattern = base + "/sweep-shard-XXXXXX";
    if (!mkdtemp(pattern.data())) {
      throw RuntimeError(base + ": cannot make a scratch folder for the task's results database (" +
                         std::strerror(errno) + ")");
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
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

// The cores Slurm gave the task (all of the machine's outside Slurm).
int task_cores() {
  if (const char* cpus = std::getenv("SLURM_CPUS_ON_NODE"); cpus && std::atoi(cpus) > 0)
    return std::atoi(cpus);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

// "20250101-120000-smoke task 1 (backbone on target) on node7: 12 trials, ..."
std::string start_line(const ShardManifest& m, const Registration& registration, bool resumed,
                       size_t abandoned, const std::vector<Slot>& slots) {
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  std::string line = m.submission + " task " + std::to_string(m.task) + " (" + m.backbone + " on " +
                     m.target + ") on " + host_name() + ": " + std::to_string(registration.total) +
                     " trials, " + std::to_string(registration.done) + " already done";
  if (resumed) line += ", resumed from " + m.shard_path;
  if (abandoned > 0) line += "; " + std::to_string(abandoned) + " interrupted trials run again";
  line += "; " + std::to_string(slots.size()) +
          (slots.size() == 1 ? " worker on " : " workers on ") + slots.front().device +
          "; CUDA_VISIBLE_DEVICES=" + (visible ? visible : "(unset)");
  return line;
}

int shard_run(const ShardRunOptions& o) {
  const ShardManifest m = load_manifest(o.manifest);
  const std::vector<TrialSpec> trials = task_trials(m, o.manifest);
  const SweepSpec spec = task_spec(m.sweep, trials);
  ScratchDir scratch;
  const std::string local = scratch.path() + "/results.db";
  const bool resumed = fs::exists(m.shard_path);
  if (resumed) fs::copy_file(m.shard_path, local);  // a requeued task goes on from there

  ResultsStore store(local, Access::kReadWrite);
  const Registration registration = store.register_sweep(spec, trials, o.manifest);
  carry_attempts(store, m.attempts);
  // Everything in this database belongs to this task: a trial still running is
  // one an earlier run of the task left behind when it was stopped.
  const auto abandoned =
      store.reclaim_stale(unix_seconds(), 0.0, host_name(), [](int64_t) { return false; });
  const std::vector<Slot> slots = plan_slots("auto", 1, 0, {cuda_device_count(), task_cores()});
  std::printf("%s\n", start_line(m, registration, resumed, abandoned.size(), slots).c_str());
  std::fflush(stdout);

  const auto publish = [&] { publish_shard(store, scratch.path(), m.shard_path); };
  publish();
  InterruptGuard interrupts;
  auto progress = make_progress(stderr);
  ProcessPool pool(slots, m.cache_dir);
  RunContext context{
      store,
      pool,
      slots,
      *progress,
      &InterruptGuard::stop_requested,
      steady_clock_seconds(),
      unix_seconds,
      [](int64_t pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; },
      {host_name(), static_cast<int64_t>(getpid())},
      SchedulerOptions{},
      publish};
  const RunOutcome outcome = run_sweep(spec, context);
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
  command->callback([o, &exit_code] { exit_code = run_guarded([&] { return shard_run(*o); }); });
}

}  // namespace sweep
