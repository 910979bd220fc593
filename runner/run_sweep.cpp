#include "runner/run_sweep.h"

#include "runner/core_budget.h"

namespace sweep {

RunOutcome run_sweep(const SweepSpec& spec, ResultsStore& store, WorkerPool& pool,
                     const std::vector<Slot>& slots, ProgressSink& progress, System& system,
                     const SweepRunOptions& options) {
  SchedulerOptions scheduling;
  scheduling.trial_timeout = options.trial_timeout;
  scheduling.max_consecutive_failures = options.max_device_failures;
  scheduling.tolerance = options.tolerance;
  scheduling.stop_requested = options.stop_requested;
  scheduling.after_trial = options.after_trial;
  // CPU workers share the machine's cores with other runners on it. Pretraining
  // and measuring get the runner's whole share: the trials that need them wait
  // meanwhile.
  std::optional<CoreBudget> budget;
  if (options.shared_cores && !slots.empty() && slots.front().device == "cpu") {
    budget.emplace(system, *options.shared_cores);
    const int workers = static_cast<int>(slots.size());
    scheduling.threads_per_job = [&budget, workers](Job::Kind kind) {
      return budget->threads_per_worker(kind == Job::Kind::kTrial ? workers : 1);
    };
    scheduling.max_running = [&budget] { return budget->cores(); };
  }
  return Scheduler(spec, store, pool, slots, progress, system, scheduling).run();
}

}  // namespace sweep
