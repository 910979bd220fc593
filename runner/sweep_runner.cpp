#include "runner/sweep_runner.h"

#include "analysis/format.h"
#include "analysis/summary.h"
#include "core/errors.h"

namespace sweep {
namespace {

// Tracks the run for the progress display and forwards a trial's own progress.
class RunProgress : public TrainingObserver {
 public:
  RunProgress(RunContext& context, const std::vector<TrialRecord>& trials)
      : context_(context), start_(context.clock()) {
    state_.total = static_cast<int>(trials.size());
    for (const auto& t : trials) {
      if (t.state == TrialState::kDone) {
        ++state_.done;
        note_val(t.result->val_accuracy);
      }
      if (t.state == TrialState::kFailed) ++state_.failed;
    }
    remaining_at_start_ = state_.total - state_.done - state_.failed;
  }

  void begin(const std::string& activity) {
    state_.running = 1;
    activity_ = activity;
    fraction_ = 0.0;
    show();
  }

  void end(bool ok, std::optional<double> val) {
    state_.running = 0;
    ++(ok ? state_.done : state_.failed);
    ++finished_here_;
    fraction_ = 0.0;
    if (val) note_val(*val);
  }

  void progress(double fraction, const std::string& status) override {
    fraction_ = fraction;
    state_.activity = activity_ + ": " + status;
    show();
  }

  bool stop_requested() override { return context_.stop_requested(); }

  void show() {
    state_.elapsed = context_.clock() - start_;
    const double completed = finished_here_ + fraction_;
    const int remaining = state_.total - state_.done - state_.failed;
    if (completed > 0.05 && remaining_at_start_ > 0) {
      state_.eta = state_.elapsed / completed * (remaining - fraction_);
    }
    if (state_.activity.empty() || fraction_ == 0.0) state_.activity = activity_;
    context_.progress.show(state_);
  }

 private:
  void note_val(double val) {
    if (!state_.best_val || val > *state_.best_val) state_.best_val = val;
  }

  RunContext& context_;
  ProgressState state_;
  double start_;
  int remaining_at_start_ = 0;
  int finished_here_ = 0;
  double fraction_ = 0.0;
  std::string activity_;
};

std::string result_line(const TrialSpec& trial, const TrialResult& r) {
  return std::string(r.diverged ? "diverged " : "done     ") + describe_trial(trial) + ": test " +
         percent(r.test_accuracy) + ", val " + percent(r.val_accuracy) + ", " +
         format_seconds(r.train_seconds);
}

}  // namespace

std::string describe_trial(const TrialSpec& trial) {
  std::string depth =
      trial.unfrozen == 0 ? "head only"
      : trial.unfrozen == trial.blocks
          ? "all " + std::to_string(trial.blocks) + " blocks"
          : std::to_string(trial.unfrozen) + (trial.unfrozen == 1 ? " block" : " blocks");
  return trial.target.name + ", " + depth + ", lr " + format_lr(trial.lr) + ", seed " +
         std::to_string(trial.seed);
}

void prepare_backbones(const SweepSpec& spec, RunContext& context) {
  for (const BackboneSpec& backbone : spec.backbones) {
    RunProgress progress(context, {});
    progress.begin("backbone " + backbone.name);
    const PretrainedRecord record = context.executor.prepare_backbone(backbone, progress);
    context.store.record_pretrained(record);
    context.progress.print("backbone " + describe_backbone({backbone.name, record}));
  }
}

RunOutcome run_pending_trials(const std::string& sweep, RunContext& context) {
  RunOutcome outcome;
  RunProgress progress(context, context.store.trials(sweep));
  while (!context.stop_requested()) {
    const std::optional<TrialSpec> trial = context.store.claim_next(sweep, context.worker);
    if (!trial) break;
    progress.begin(describe_trial(*trial));
    try {
      const TrialResult result = context.executor.run(*trial, progress);
      context.store.record_done(trial->id, context.worker, result);
      progress.end(true, result.val_accuracy);
      context.progress.print(result_line(*trial, result));
      ++outcome.done;
    } catch (const Interrupted&) {
      context.store.release(trial->id, context.worker);
      outcome.interrupted = true;
      break;
    } catch (const std::exception& e) {
      context.store.record_failed(trial->id, context.worker, e.what());
      progress.end(false, std::nullopt);
      context.progress.print("failed   " + describe_trial(*trial) + ": " + e.what());
      ++outcome.failed;
    }
  }
  outcome.interrupted = outcome.interrupted || context.stop_requested();
  context.progress.close();
  return outcome;
}

}  // namespace sweep
