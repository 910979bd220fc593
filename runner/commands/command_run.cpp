#include "runner/commands/command_run.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "analysis/format.h"
#include "analysis/text_table.h"
#include "core/errors.h"
#include "core/json_reader.h"
#include "core/system.h"
#include "experiments/train/cache_plan.h"
#include "experiments/train/cuda_devices.h"
#include "experiments/train/precision.h"
#include "runner/cache_room.h"
#include "runner/commands/cli.h"
#include "runner/commands/local_executor.h"
#include "runner/commands/sweep_loading.h"
#include "runner/core_budget.h"
#include "runner/devices.h"
#include "runner/interrupt.h"
#include "runner/process_pool.h"
#include "runner/run_sweep.h"
#include "runner/scheduler.h"

namespace sweep {
namespace {

struct RunOptions {
  std::string file;
  std::string db = "sweep.db";
  bool dry_run = false;
  std::string devices = "auto";
  int per_device = 1;
  int threads = 0;  // 0 = the cores shared between the workers
  std::string cache_dir;
  int feature_memory_mb = kDefaultFeatureMemoryMb;
  std::optional<double> price;
  bool retry_failed = false;
  double trial_timeout = 0.0;
  int max_device_failures = 3;
  double tolerance = 1.0;  // points; adaptive seeds stop where verdicts are decided at it
};

std::string describe_slots(const std::vector<Slot>& slots) {
  std::map<std::string, int> per_device;
  for (const Slot& s : slots) ++per_device[s.device];
  std::string text;
  for (const auto& [device, n] : per_device) {
    text += (text.empty() ? "" : ", ") + std::to_string(n) +
            (n == 1 ? " worker on " : " workers on ") + device;
  }
  const int threads = slots.front().threads;
  return text + " (" + std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
         (slots.size() == 1 ? ")" : " each)");
}

// Says so when the recipe's precision cannot run as asked on the CPU (no native
// bf16, or fp16 there): trials then run in fp32 and record it.
void print_precision_note(const SweepSpec& spec, const std::vector<Slot>& slots) {
  if (spec.training.precision == PrecisionKind::kFp32 || slots.front().device != "cpu") return;
  const Precision precision =
      resolve_precision(spec.training.precision, torch::Device(torch::kCPU), cpu_has_native_bf16());
  if (!precision.note.empty()) std::printf("%s: %s\n", spec.name.c_str(), precision.note.c_str());
}

// Why earlier trials are no longer the sweep's, `count` of them: the backbones
// whose weights changed since the spec stored `before`, else the grid or its
// settings.
std::string left_behind_line(const std::optional<SweepInfo>& before, const SweepSpec& now,
                             int count) {
  std::string backbones, targets;
  int changed_targets = 0;
  for (const BackboneSpec& backbone : now.backbones) {
    if (!before) break;
    for (const BackboneSpec& old : before->spec.backbones) {
      if (old.name == backbone.name && old.content_sha256 != backbone.content_sha256)
        backbones += (backbones.empty() ? "" : ", ") + quote(backbone.name);
    }
  }
  // A target whose files changed (an earlier release recorded no digest).
  for (const TargetSpec& target : now.targets) {
    if (!before) break;
    for (const TargetSpec& old : before->spec.targets) {
      const std::string& was = old.data.content_sha256;
      if (old.name == target.name && !was.empty() && was != target.data.content_sha256) {
        targets += (targets.empty() ? "" : ", ") + quote(target.name);
        ++changed_targets;
      }
    }
  }
  std::string cause = backbones.empty() ? "" : "backbone " + backbones;
  if (!targets.empty())
    cause += (cause.empty() ? "" : " and ") + std::string("the data of ") +
             (changed_targets == 1 ? "target " : "targets ") + targets;
  cause = cause.empty() ? "the grid or its settings changed" : cause + " changed";
  return cause + " since the last run: " + std::to_string(count) + " earlier " +
         (count == 1 ? "trial" : "trials") + " kept but not part of this sweep";
}

// The trials, and their state when the database already knows them. Reads only.
int dry_run(const LoadedSweep& sweep, const std::string& db) {
  std::map<std::string, std::string> states;
  if (access(db.c_str(), F_OK) == 0) {
    ResultsStore store(db, Access::kReadOnly);
    for (const auto& t : store.trials(sweep.spec.name))
      states[t.spec.id] = trial_state_name(t.state);
  }
  std::vector<std::vector<std::string>> rows;
  int to_run = 0;
  for (const TrialSpec& t : sweep.trials) {
    const std::string state = states.count(t.id) ? states[t.id] : "new";
    to_run += state == "done" ? 0 : 1;
    rows.push_back({std::to_string(t.position), t.id, t.backbone.name, t.target.name,
                    setting_name(t.strategy, t.unfrozen, t.blocks), format_lr(t.lr),
                    std::to_string(t.seed), state});
  }
  std::fputs(
      format_table({"#", "trial", "backbone", "target", "setting", "lr", "seed", "state"}, rows)
          .c_str(),
      stdout);
  std::printf("%s; %d to run (dry run: nothing was written)\n", describe_grid(sweep).c_str(),
              to_run);
  return kExitOk;
}

// Bytes in the files under `folder`; 0 when it is not there.
int64_t folder_bytes(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  int64_t bytes = 0;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    if (it->is_regular_file(ignored)) bytes += static_cast<int64_t>(it->file_size(ignored));
  }
  return bytes;
}

// Says what the run will write into the cache folder and how much room its disk
// has; stops the run, before anything is written, when it would not fit.
void check_cache_room(const LoadedSweep& sweep, const std::string& cache_dir, bool features) {
  namespace fs = std::filesystem;
  const CachePlan plan = plan_cache(sweep.trials, features);
  if (plan.feature_bytes + plan.image_bytes == 0) return;
  fs::path existing = fs::absolute(cache_dir);
  while (!fs::exists(existing) && existing.has_parent_path() && existing != existing.parent_path())
    existing = existing.parent_path();
  std::error_code error;
  const fs::space_info space = fs::space(existing, error);
  if (error) return;  // no figure to check against: the cache copes as it goes
  const auto available = static_cast<int64_t>(space.available);
  const int64_t held =
      folder_bytes(fs::path(cache_dir) / "features") + folder_bytes(fs::path(cache_dir) / "images");
  if (auto problem = cache_room_problem(plan, cache_dir, available, held))
    throw InputError(*problem);
  std::printf("cache %s: %s to write at most; %s free there\n", cache_dir.c_str(),
              describe_cache_plan(plan).c_str(),
              format_bytes(static_cast<double>(available)).c_str());
}

int run(const RunOptions& options, System& system) {
  const std::string cache_dir = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  LoadedSweep sweep = load_checked_sweep(options.file, cache_dir);
  print_notes(sweep);
  if (options.price) sweep.spec.price_per_device_hour = options.price;
  const DeviceInventory inventory{cuda_device_count(), system.cpu_cores(),
                                  system.env("CUDA_VISIBLE_DEVICES")};
  const std::vector<Slot> slots = plan_slots(options.devices, options.per_device, options.threads,
                                             inventory, largest_input_pixels(sweep.spec));
  if (options.dry_run) return dry_run(sweep, options.db);
  check_cache_room(sweep, cache_dir, options.feature_memory_mb > 0);

  adopt_earlier_trials(sweep, options.db);
  ResultsStore store(options.db, Access::kReadWrite);
  const std::optional<SweepInfo> before = store.sweep(sweep.spec.name);
  const Registration registration = store.register_sweep(sweep.spec, sweep.trials, sweep.path);
  if (registration.left_behind > 0) {
    std::printf("%s: %s\n", sweep.spec.name.c_str(),
                left_behind_line(before, sweep.spec, registration.left_behind).c_str());
  }
  const int retried = options.retry_failed ? store.reset_failed(sweep.spec.name) : 0;
  // Trials stopped by successive halving are results only while the sweep halves.
  if (!sweep.spec.halving) {
    if (const int unstopped = store.reset_stopped(sweep.spec.name)) {
      std::printf("%s: no successive halving now; %d trials it stopped run to the end\n",
                  sweep.spec.name.c_str(), unstopped);
    }
  }
  std::printf("%s: %s; %d already done, %d to run%s; %s; results in %s\n", sweep.spec.name.c_str(),
              describe_grid(sweep).c_str(), registration.done,
              registration.total - registration.done,
              retried ? (" (" + std::to_string(retried) + " failed ones again)").c_str() : "",
              describe_slots(slots).c_str(), options.db.c_str());
  print_precision_note(sweep.spec, slots);
  std::fflush(stdout);

  InterruptGuard interrupts;
  auto progress = make_progress(stderr);
  ProcessPool pool(slots, cache_dir,
                   {"--feature-memory", std::to_string(options.feature_memory_mb)});
  SweepRunOptions running;
  running.trial_timeout = options.trial_timeout;
  running.max_device_failures = options.max_device_failures;
  running.stop_requested = &InterruptGuard::stop_requested;
  running.tolerance = options.tolerance / 100.0;
  // CPU workers share the machine's cores with other runners on it, unless the
  // user fixed the threads.
  if (options.threads == 0) running.shared_cores = default_runner_folder(system);
  const double start = system.monotonic_seconds();
  const RunOutcome outcome = run_sweep(sweep.spec, store, pool, slots, *progress, system, running);
  const std::string elapsed = format_seconds(system.monotonic_seconds() - start);
  if (outcome.reclaimed) {
    std::printf("%s: %d trials left running by a stopped runner ran again\n",
                sweep.spec.name.c_str(), outcome.reclaimed);
  }
  if (outcome.interrupted) {
    std::printf(
        "%s: interrupted after %s; %d trials finished in this run; run the same command "
        "again to resume\n",
        sweep.spec.name.c_str(), elapsed.c_str(), outcome.done);
    return kExitInterrupted;
  }
  int failed_in_sweep = 0;
  const TrialRecord* largest = nullptr;  // the finished trial with the highest peak memory
  const std::vector<TrialRecord> trials = store.trials(sweep.spec.name);
  for (const auto& t : trials) {
    failed_in_sweep += t.state == TrialState::kFailed;
    if (t.result && (!largest || t.result->peak_memory_bytes > largest->result->peak_memory_bytes))
      largest = &t;
  }
  std::printf("%s: %d trials finished, %d failed in %s; see `sweep report --db %s`\n",
              sweep.spec.name.c_str(), outcome.done, outcome.failed, elapsed.c_str(),
              options.db.c_str());
  if (largest && largest->result->peak_memory_bytes > 0) {
    std::printf(
        "%s: a worker's peak memory was %s (%s); of it, the feature cache keeps at most "
        "--feature-memory %d (MiB), beside the frozen features of the trial running\n",
        sweep.spec.name.c_str(),
        format_bytes(static_cast<double>(largest->result->peak_memory_bytes)).c_str(),
        describe_trial(largest->spec).c_str(), options.feature_memory_mb);
  }
  if (failed_in_sweep > 0) {
    std::printf("%s: %d failed trials in all; `sweep run --retry-failed %s` runs them again\n",
                sweep.spec.name.c_str(), failed_in_sweep, options.file.c_str());
  }
  const bool incomplete =
      failed_in_sweep > 0 || outcome.out_of_devices || !outcome.failed_backbones.empty();
  return incomplete ? kExitTrialsFailed : kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command =
      app.add_subcommand("run", "Run a sweep: register its trials and run those not done yet");
  command->add_option("file", options->file, "sweep file (JSON)")->required();
  add_db_option(*command, options->db);
  command->add_flag("--dry-run", options->dry_run,
                    "list the trials and their state; write nothing");
  command
      ->add_option("--devices", options->devices,
                   "auto (every visible GPU, else the CPU), cpu, cpu:N (N CPU workers), or "
                   "cuda:0,cuda:2")
      ->capture_default_str();
  command->add_option("--per-device", options->per_device, "workers per GPU, for small trials")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--threads", options->threads,
                   "CPU threads per worker (default: the cores shared between the workers)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--retry-failed", options->retry_failed, "run failed trials again");
  command
      ->add_option("--trial-timeout", options->trial_timeout,
                   "seconds a trial may run before it is stopped and failed (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--max-device-failures", options->max_device_failures,
                   "failures in a row that take a device out of rotation")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--cache", options->cache_dir,
                      "folder for pretrained weights and frozen features (default: $SWEEP_CACHE or "
                      "~/.cache/sweep)");
  command
      ->add_option("--feature-memory", options->feature_memory_mb,
                   "MiB of frozen-block outputs each worker keeps in memory, beyond which they "
                   "are read from the cache folder; 0 turns the frozen-feature cache off")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--price", options->price, "price per device-hour, overrides the sweep file")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--tolerance", options->tolerance,
                   "points of validation accuracy a shallower depth may credibly trail the best "
                   "by and still be recommended; adaptive seeds stop once verdicts are decided")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->callback([options, &exit_code] {
    exit_code = run_guarded([&] { return run(*options, real_system()); });
  });
}

}  // namespace sweep
