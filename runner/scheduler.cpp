#include "runner/scheduler.h"

#include <algorithm>

#include "analysis/format.h"
#include "analysis/summary.h"
#include "core/identity.h"

namespace sweep {
namespace {

struct SlotState {
  bool busy = false;
  Job job;
  double started = 0.0;
  double fraction = 0.0;
  std::string status;
  int consecutive_failures = 0;
  bool retired = false;
};

std::string describe_job(const Job& job) {
  switch (job.kind) {
    case Job::Kind::kTrial:
      return describe_trial(job.trial);
    case Job::Kind::kBackbone:
      return "pretraining " + job.backbone.name;
    case Job::Kind::kMeasure:
      return "measuring " + job.backbone.name + " on " + job.target.name;
  }
  return "";
}

class Scheduler {
 public:
  Scheduler(const SweepSpec& spec, RunContext& context)
      : spec_(spec), c_(context), slots_(context.slots.size()), start_(context.clock()) {}

  RunOutcome run() {
    outcome_.reclaimed = static_cast<int>(
        c_.store.reclaim_stale(c_.now(), c_.options.lease_seconds, c_.me.host, c_.process_alive)
            .size());
    count_stored_trials();
    if (run_jobs(backbone_jobs()) && run_jobs(measure_jobs())) run_trials();
    c_.progress.close();
    return outcome_;
  }

 private:
  // Phase 1: every backbone's pretrained weights, spread over the slots.
  std::vector<Job> backbone_jobs() const {
    std::vector<Job> jobs;
    for (const BackboneSpec& backbone : spec_.backbones) {
      Job job;
      job.kind = Job::Kind::kBackbone;
      job.backbone = backbone;
      jobs.push_back(job);
    }
    return jobs;
  }

  // Phase 2: per (backbone, target), the transfer measures not stored yet.
  std::vector<Job> measure_jobs() const {
    std::vector<Job> jobs;
    for (const BackboneSpec& backbone : spec_.backbones) {
      const std::string key = pretrain_key(backbone);
      if (std::count(unprepared_keys_.begin(), unprepared_keys_.end(), key)) continue;
      for (const TargetSpec& target : spec_.targets) {
        if (c_.store.measure(key, target_key(target))) continue;
        Job job;
        job.kind = Job::Kind::kMeasure;
        job.backbone = backbone;
        job.target = target;
        jobs.push_back(job);
      }
    }
    return jobs;
  }

  // Runs the jobs over the slots until all are answered. False when stopped.
  bool run_jobs(std::vector<Job> queue) {
    while (!queue.empty() || any_busy()) {
      if (c_.stop_requested()) return stop_everything();
      for (size_t s = 0; s < slots_.size() && !queue.empty(); ++s) {
        if (slots_[s].busy || slots_[s].retired) continue;
        start(s, queue.front());
        queue.erase(queue.begin());
      }
      if (all_retired()) return finish_out_of_devices();
      handle_events();
    }
    return true;
  }

  // Phase 3: trials until none is pending and no slot is busy.
  void run_trials() {
    bool drained = false;
    double last_heartbeat = c_.clock();
    while (true) {
      if (c_.stop_requested()) {
        stop_everything();
        return;
      }
      for (size_t s = 0; s < slots_.size() && !drained; ++s) {
        if (slots_[s].busy || slots_[s].retired) continue;
        const auto trial =
            c_.store.claim_next(spec_.name, c_.me, c_.slots[s].device, c_.now(), unprepared_keys_);
        drained = !trial;
        if (!trial) break;
        Job job;
        job.trial = *trial;
        start(s, job);
      }
      if (!any_busy()) {
        if (all_retired() && !drained) finish_out_of_devices();
        return;
      }
      handle_events();
      check_timeouts();
      if (c_.clock() - last_heartbeat >= c_.options.heartbeat_interval) {
        c_.store.heartbeat(c_.me, c_.now());
        last_heartbeat = c_.clock();
      }
    }
  }

  void start(size_t s, const Job& job) {
    SlotState& slot = slots_[s];
    slot.busy = true;
    slot.job = job;
    slot.started = c_.clock();
    slot.fraction = 0.0;
    slot.status = describe_job(job);
    c_.pool.assign(static_cast<int>(s), job);
    show();
  }

  void handle_events() {
    for (const PoolEvent& event : c_.pool.wait(c_.options.poll_interval)) {
      const auto s = static_cast<size_t>(event.slot);
      SlotState& slot = slots_[s];
      if (event.kind == PoolEvent::Kind::kExited) {
        if (slot.busy) job_failed(s, event.cause);
        continue;
      }
      const WorkerMessage& m = event.message;
      switch (m.kind) {
        case WorkerMessage::Kind::kProgress:
          slot.fraction = m.fraction;
          slot.status = describe_job(slot.job) + ": " + m.status;
          show();
          break;
        case WorkerMessage::Kind::kResult:
          trial_done(s, m.result);
          break;
        case WorkerMessage::Kind::kPretrained:
          c_.store.record_pretrained(m.pretrained);
          c_.progress.print("backbone " +
                            describe_backbone({slot.job.backbone.name, m.pretrained}));
          job_succeeded(s);
          break;
        case WorkerMessage::Kind::kMeasured:
          c_.store.record_measure(m.measure);
          c_.progress.print("measured " + m.measure.backbone + " on " + m.measure.target +
                            ": LogME " + printf_string("%.3f", m.measure.logme) +
                            ", Frechet distance " + printf_string("%.2f", m.measure.frechet));
          job_succeeded(s);
          break;
        case WorkerMessage::Kind::kError:
          job_failed(s, m.error);
          break;
      }
    }
  }

  void check_timeouts() {
    if (c_.options.trial_timeout <= 0) return;
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy || slots_[s].job.kind != Job::Kind::kTrial) continue;
      if (c_.clock() - slots_[s].started <= c_.options.trial_timeout) continue;
      c_.pool.kill(static_cast<int>(s));
      job_failed(s, "timed out after " + format_seconds(c_.options.trial_timeout));
    }
  }

  void trial_done(size_t s, TrialResult result) {
    const TrialSpec& trial = slots_[s].job.trial;
    // The slot held its share of the device for the trial's wall time.
    result.device_seconds = result.train_seconds * c_.slots[s].share;
    c_.store.record_done(trial.id, c_.me, result);
    ++outcome_.done;
    ++finished_here_;
    ++done_;
    if (!best_val_ || result.val_accuracy > *best_val_) best_val_ = result.val_accuracy;
    c_.progress.print(std::string(result.diverged ? "diverged " : "done     ") +
                      describe_trial(trial) + " on " + c_.slots[s].label + ": test " +
                      percent(result.test_accuracy) + ", val " + percent(result.val_accuracy) +
                      ", " + format_seconds(result.train_seconds));
    job_succeeded(s);
    if (c_.after_trial) c_.after_trial();
  }

  void job_succeeded(size_t s) {
    slots_[s].busy = false;
    slots_[s].consecutive_failures = 0;
    show();
  }

  void job_failed(size_t s, const std::string& cause) {
    SlotState& slot = slots_[s];
    const std::string& where = c_.slots[s].label;
    switch (slot.job.kind) {
      case Job::Kind::kTrial:
        c_.store.record_failed(slot.job.trial.id, c_.me, cause);
        ++outcome_.failed;
        ++finished_here_;
        ++failed_;
        c_.progress.print("failed   " + describe_trial(slot.job.trial) + " on " + where + ": " +
                          cause);
        if (c_.after_trial) c_.after_trial();
        break;
      case Job::Kind::kBackbone:
        unprepared_keys_.push_back(pretrain_key(slot.job.backbone));
        outcome_.failed_backbones.push_back(slot.job.backbone.name);
        c_.progress.print("backbone " + slot.job.backbone.name + " could not be pretrained on " +
                          where + ": " + cause + "; its trials are skipped");
        break;
      case Job::Kind::kMeasure:
        c_.progress.print("could not measure " + slot.job.backbone.name + " on " +
                          slot.job.target.name + " (" + where + "): " + cause +
                          "; the report shows it unmeasured");
        break;
    }
    slot.busy = false;
    if (++slot.consecutive_failures >= c_.options.max_consecutive_failures) {
      slot.retired = true;
      c_.progress.print(where + " failed " + std::to_string(slot.consecutive_failures) +
                        " jobs in a row; taking it out of rotation");
    }
    show();
  }

  bool stop_everything() {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy) continue;
      c_.pool.kill(static_cast<int>(s));
      if (slots_[s].job.kind == Job::Kind::kTrial) c_.store.release(slots_[s].job.trial.id, c_.me);
      slots_[s].busy = false;
    }
    outcome_.interrupted = true;
    return false;
  }

  bool finish_out_of_devices() {
    outcome_.out_of_devices = true;
    c_.progress.print("every device is out of rotation; stopping with trials left pending");
    return false;
  }

  bool any_busy() const {
    return std::any_of(slots_.begin(), slots_.end(), [](const SlotState& s) { return s.busy; });
  }

  bool all_retired() const {
    return std::all_of(slots_.begin(), slots_.end(), [](const SlotState& s) { return s.retired; });
  }

  void count_stored_trials() {
    for (const TrialRecord& t : c_.store.trials(spec_.name)) {
      ++total_;
      if (t.state == TrialState::kDone) {
        ++done_;
        if (!best_val_ || t.result->val_accuracy > *best_val_) best_val_ = t.result->val_accuracy;
      }
      if (t.state == TrialState::kFailed) ++failed_;
    }
  }

  void show() {
    ProgressState state;
    state.total = total_;
    state.done = done_;
    state.failed = failed_;
    state.elapsed = c_.clock() - start_;
    state.best_val = best_val_;
    double running_fraction = 0.0;
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy) continue;
      ++state.running;
      if (slots_[s].job.kind == Job::Kind::kTrial) running_fraction += slots_[s].fraction;
      state.activity +=
          (state.activity.empty() ? "" : " | ") + c_.slots[s].label + " " + slots_[s].status;
    }
    const double completed = finished_here_ + running_fraction;
    const double remaining = total_ - done_ - failed_ - running_fraction;
    if (completed > 0.05) state.eta = state.elapsed / completed * std::max(0.0, remaining);
    c_.progress.show(state);
  }

  const SweepSpec& spec_;
  RunContext& c_;
  std::vector<SlotState> slots_;
  double start_;
  RunOutcome outcome_;
  std::vector<std::string> unprepared_keys_;
  int total_ = 0, done_ = 0, failed_ = 0, finished_here_ = 0;
  std::optional<double> best_val_;
};

}  // namespace

std::string describe_trial(const TrialSpec& trial) {
  const std::string depth =
      trial.unfrozen == 0 ? "head only"
      : trial.unfrozen == trial.blocks
          ? "all " + std::to_string(trial.blocks) + " blocks"
          : std::to_string(trial.unfrozen) + (trial.unfrozen == 1 ? " block" : " blocks");
  return trial.target.name + ", " + depth + ", lr " + format_lr(trial.lr) + ", seed " +
         std::to_string(trial.seed);
}

RunOutcome run_sweep(const SweepSpec& spec, RunContext& context) {
  return Scheduler(spec, context).run();
}

}  // namespace sweep
