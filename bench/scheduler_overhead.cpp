// scheduler_overhead: what `sweep run` costs per trial beyond the training itself.
// It drives the real scheduling loop (Scheduler) against a real SQLite results
// database in a temporary folder, with trials that do no training: the executor
// answers every job at once with a plausible result (ten epochs of metrics, an
// environment), so what is left is claiming, the worker protocol, recording and
// progress. With --pool process (the default) the jobs go through the real
// ProcessPool to worker processes, which are this program started again as
// `scheduler_overhead worker ...`; --pool inline answers them in this process
// through the same protocol code, leaving processes and pipes out.
//
// Prints trials per second and the median time between finished trials, per
// repetition and as the median over repetitions.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/grid.h"
#include "core/identity.h"
#include "core/sweep_file.h"
#include "core/system.h"
#include "runner/devices.h"
#include "runner/process_pool.h"
#include "runner/scheduler.h"
#include "runner/worker.h"

namespace sweep::bench {
namespace {

// Answers every job at once; trials get a result shaped like a real one.
class NoTrainingExecutor : public TrialExecutor {
 public:
  PretrainedRecord prepare_backbone(const BackboneSpec& backbone, TrainingObserver&) override {
    return {pretrain_key(backbone), backbone.arch, "nothing (benchmark)", 0.9, 0.0, "none.pt"};
  }

  TransferMeasure measure(const BackboneSpec& backbone, const TargetSpec& target,
                          const ProbeSettings&, TrainingObserver&) override {
    TransferMeasure m;
    m.pretrain_key = pretrain_key(backbone);
    m.target_key = target_key(target);
    m.backbone = backbone.name;
    m.target = target.name;
    m.logme = -0.5;
    m.frechet = 3.0;
    m.source_images = 1000;
    m.target_images = 400;
    return m;
  }

  TrialResult run(const TrialSpec& trial, TrainingObserver& observer) override {
    TrialResult r;
    for (int e = 1; e <= trial.recipe.epochs; ++e) {
      r.epochs.push_back({e, trial.lr, 1.0 / e, 0.5 + 0.04 * e, 1.1 / e, 0.5 + 0.03 * e, 0.0});
    }
    observer.progress(1.0, "epoch " + std::to_string(trial.recipe.epochs));
    r.val_accuracy = 0.8;
    r.test_accuracy = 0.79;
    r.val_loss = 0.6;
    r.test_loss = 0.62;
    r.device = "cpu";
    r.device_name = "benchmark";
    r.trainable_params = int64_t{1000} * (trial.unfrozen + 1);
    r.total_params = 80000;
    r.train_flops = 1e9;
    r.environment = {"bench", "none", "cpu", "", "localhost", "Linux", 1};
    return r;
  }
};

// Worker slots answered in this process through serve_jobs, the worker's own loop.
class InlinePool : public WorkerPool {
 public:
  void assign(int slot, const Job& job) override {
    std::istringstream in(encode_job(job) + "\n");
    char* text = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&text, &size);
    serve_jobs(in, out, executor_, {});
    std::fclose(out);
    std::istringstream lines(std::string(text, size));
    std::free(text);
    for (std::string line; std::getline(lines, line);) {
      PoolEvent event;
      event.slot = slot;
      event.message = decode_message(line);
      queued_.push_back(std::move(event));
    }
  }

  std::vector<PoolEvent> wait(double) override {
    std::vector<PoolEvent> out(queued_.begin(), queued_.end());
    queued_.clear();
    return out;
  }

  void kill(int) override {}
  void decide(int, bool) override {}  // its trials have no rungs
  void withdraw(int) override {}

 private:
  NoTrainingExecutor executor_;
  std::deque<PoolEvent> queued_;
};

struct Options {
  std::string file = SWEEP_SOURCE_DIR "/sweeps/cats_vs_buildings.json";
  int trials = 300;
  int repetitions = 5;
  int workers = 1;
  std::string pool = "process";
};

struct Measurement {
  int trials = 0;
  double seconds = 0.0;          // Scheduler::run, start to end
  double median_interval = 0.0;  // between consecutive finished trials
};

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The sweep file with as many seeds as it takes to reach `trials` trials.
SweepSpec widened(const Options& options) {
  SweepSpec spec = load_sweep_file(options.file);
  const size_t per_seed = expand_grid(spec).size() / std::max<size_t>(1, spec.grid.seeds.size());
  const size_t seeds = (static_cast<size_t>(options.trials) + per_seed - 1) / per_seed;
  spec.grid.seeds.clear();
  for (size_t s = 0; s < seeds; ++s) spec.grid.seeds.push_back(static_cast<int>(s));
  spec.name = "scheduler-overhead";
  return spec;
}

Measurement measure_once(const SweepSpec& spec, const Options& options) {
  System& system = real_system();
  const ScratchDir dir = system.scratch_dir("sweep-bench");
  ResultsStore store(dir.file("bench.db"), Access::kReadWrite);
  const std::vector<TrialSpec> trials = expand_grid(spec);
  store.register_sweep(spec, trials, options.file);
  const DeviceInventory inventory{0, system.cpu_cores()};
  const std::vector<Slot> slots = plan_slots(
      options.workers == 1 ? "cpu" : "cpu:" + std::to_string(options.workers), 1, 0, inventory, 0);
  std::unique_ptr<WorkerPool> pool;
  if (options.pool == "inline") {
    pool = std::make_unique<InlinePool>();
  } else {
    pool = std::make_unique<ProcessPool>(slots, dir.file("cache"));
  }
  std::FILE* devnull = std::fopen("/dev/null", "w");
  const Clock clock = steady_clock_seconds();
  auto progress = make_log_progress(devnull, 30.0, clock);
  std::vector<double> finished;
  SchedulerOptions scheduling;
  scheduling.after_trial = [&] { finished.push_back(clock()); };
  Scheduler scheduler(spec, store, *pool, slots, *progress, system, scheduling);
  const double start = clock();
  const RunOutcome outcome = scheduler.run();
  Measurement m;
  m.seconds = clock() - start;
  std::fclose(devnull);
  if (outcome.done != static_cast<int>(trials.size())) {
    throw RuntimeError("only " + std::to_string(outcome.done) + " of " +
                       std::to_string(trials.size()) + " trials finished");
  }
  std::vector<double> intervals;
  for (size_t i = 1; i < finished.size(); ++i) intervals.push_back(finished[i] - finished[i - 1]);
  m.trials = outcome.done;
  m.median_interval = median(intervals);
  return m;
}

int benchmark(const Options& options) {
  const SweepSpec spec = widened(options);
  std::printf("scheduler overhead: %s pool, %d worker(s), trials that do no training\n",
              options.pool.c_str(), options.workers);
  std::vector<double> rates, intervals;
  for (int r = 1; r <= options.repetitions; ++r) {
    const Measurement m = measure_once(spec, options);
    rates.push_back(m.trials / m.seconds);
    intervals.push_back(m.median_interval);
    std::printf("  run %d: %d trials in %.3f s: %.1f trials/s, median %.2f ms between trials\n", r,
                m.trials, m.seconds, m.trials / m.seconds, 1e3 * m.median_interval);
  }
  std::printf("median over %d runs: %.1f trials/s, %.2f ms per trial\n", options.repetitions,
              median(rates), 1e3 * median(intervals));
  return 0;
}

// `scheduler_overhead worker ...`, as ProcessPool starts it: the worker loop of
// `sweep worker` with the executor above.
int serve_as_worker() {
  std::FILE* protocol = fdopen(dup(STDOUT_FILENO), "w");
  dup2(STDERR_FILENO, STDOUT_FILENO);
  NoTrainingExecutor executor;
  serve_jobs(std::cin, protocol, executor, {});
  std::fclose(protocol);
  return 0;
}

// The command line; exceptions go to main.
int run(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "worker") return serve_as_worker();
  CLI::App app{"Trials per second of sweep's scheduler with trials that do no training"};
  Options options;
  app.add_option("--sweep", options.file, "sweep file whose grid is repeated over more seeds")
      ->capture_default_str();
  app.add_option("--trials", options.trials, "at least this many trials per run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--reps", options.repetitions, "runs, each with a fresh database")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--workers", options.workers, "worker slots")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--pool", options.pool, "process: real worker processes; inline: in-process")
      ->check(CLI::IsMember({"process", "inline"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return benchmark(options);
}

}  // namespace
}  // namespace sweep::bench

int main(int argc, char** argv) {
  try {
    return sweep::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scheduler_overhead: %s\n", e.what());
    return 1;
  }
}
