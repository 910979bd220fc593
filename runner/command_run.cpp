#include "runner/command_run.h"

#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "analysis/format.h"
#include "analysis/text_table.h"
#include "core/errors.h"
#include "runner/cli.h"
#include "runner/interrupt.h"
#include "runner/local_executor.h"
#include "runner/sweep_loading.h"
#include "runner/sweep_runner.h"

namespace sweep {
namespace {

struct RunOptions {
  std::string file;
  std::string db = "sweep.db";
  bool dry_run = false;
  int threads = 0;  // 0 = every core
  std::string cache_dir;
  std::string device = "cpu";
  std::optional<double> price;
};

std::string worker_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
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
                    depth_label(t.unfrozen, t.blocks), format_lr(t.lr), std::to_string(t.seed),
                    state});
  }
  std::fputs(
      format_table({"#", "trial", "backbone", "target", "unfrozen", "lr", "seed", "state"}, rows)
          .c_str(),
      stdout);
  std::printf("%s; %d to run (dry run: nothing was written)\n", describe_grid(sweep).c_str(),
              to_run);
  return kExitOk;
}

int run(const RunOptions& options) {
  LoadedSweep sweep = load_checked_sweep(options.file);
  if (options.price) sweep.spec.price_per_device_hour = options.price;
  if (options.dry_run) return dry_run(sweep, options.db);

  const int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(std::max(1, threads));
  LocalExecutor executor(options.device,
                         options.cache_dir.empty() ? default_cache_dir() : options.cache_dir);
  ResultsStore store(options.db, Access::kReadWrite);
  const Registration registration = store.register_sweep(sweep.spec, sweep.trials, sweep.path);
  std::printf("%s: %s; %d already done, %d to run on %s with %d threads (results in %s)\n",
              sweep.spec.name.c_str(), describe_grid(sweep).c_str(), registration.done,
              registration.total - registration.done, options.device.c_str(), threads,
              options.db.c_str());

  InterruptGuard interrupts;
  auto progress = make_progress(stderr);
  const Clock clock = steady_clock_seconds();
  const double start = clock();
  RunContext context{store, executor,     *progress, &InterruptGuard::stop_requested,
                     clock, worker_name()};
  RunOutcome outcome;
  try {
    prepare_backbones(sweep.spec, context);
    outcome = run_pending_trials(sweep.spec.name, context);
  } catch (const Interrupted&) {
    outcome.interrupted = true;
  }
  progress->close();
  const std::string elapsed = format_seconds(clock() - start);
  if (outcome.interrupted) {
    std::printf(
        "%s: interrupted after %s; %d trials finished in this run; run the same command "
        "again to resume\n",
        sweep.spec.name.c_str(), elapsed.c_str(), outcome.done);
    return kExitInterrupted;
  }
  int failed_in_sweep = 0;
  for (const auto& t : store.trials(sweep.spec.name))
    failed_in_sweep += t.state == TrialState::kFailed;
  std::printf("%s: %d trials finished, %d failed in %s; see `sweep report --db %s`\n",
              sweep.spec.name.c_str(), outcome.done, outcome.failed, elapsed.c_str(),
              options.db.c_str());
  return failed_in_sweep > 0 ? kExitTrialsFailed : kExitOk;
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
      ->add_option("--threads", options->threads, "CPU threads for training (default: all cores)")
      ->check(CLI::PositiveNumber);
  command->add_option("--cache", options->cache_dir,
                      "folder for pretrained weights (default: $SWEEP_CACHE or ~/.cache/sweep)");
  command->add_option("--device", options->device, "where trials run: cpu or cuda:N")
      ->capture_default_str();
  command->add_option("--price", options->price, "price per device-hour, overrides the sweep file")
      ->check(CLI::NonNegativeNumber);
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return run(*options); }); });
}

}  // namespace sweep
