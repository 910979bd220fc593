#include "runner/scheduler.h"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/format.h"
#include "analysis/prediction.h"
#include "analysis/replication.h"
#include "analysis/summary.h"
#include "core/grid.h"
#include "core/identity.h"
#include "runner/halving.h"

namespace sweep {
namespace {

// A trial's validation accuracy at a rung, while it waits for the decision.
struct RungReport {
  int epoch = 0;
  double val_accuracy = 0.0;
};

struct SlotState {
  bool busy = false;
  Job job;
  double started = 0.0;
  double fraction = 0.0;
  std::string status;
  int consecutive_failures = 0;
  bool retired = false;
  std::optional<RungReport> at_rung;  // the trial waits at this rung
  std::optional<RungReport> passed;   // the last rung the trial was let past
  bool withdrawn = false;             // ... and that was withdrawn since
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

}  // namespace

// One run: three phases over the slots (backbones, measures, trials), the
// state of every slot, and the counts the progress display shows.
class Scheduler::Run {
 public:
  explicit Run(const Scheduler& s)
      : s_(s), slots_(s.slots_.size()), start_(s.system_.monotonic_seconds()) {}

  RunOutcome run() {
    outcome_.reclaimed = static_cast<int>(
        s_.store_
            .reclaim_stale(now(), s_.options_.lease_seconds, s_.me_.host,
                           [this](int64_t pid) { return s_.system_.process_alive(pid); })
            .size());
    count_stored_trials();
    if (!nothing_to_do() && run_jobs(backbone_jobs()) && run_jobs(measure_jobs())) run_trials();
    s_.progress_.close();
    return outcome_;
  }

 private:
  double clock() const { return s_.system_.monotonic_seconds(); }
  double now() const { return s_.system_.unix_seconds(); }

  // Every trial finished (done, stopped or failed), every measure stored and
  // no seed to add: then no worker starts and no backbone is loaded.
  bool nothing_to_do() const {
    if (done_ + failed_ < total_ || !measure_jobs().empty()) return false;
    return s_.spec_.grid.max_seeds == 0 ||
           plan_added_seeds(s_.spec_, s_.store_.trials(s_.spec_.name), s_.options_.tolerance)
               .empty();
  }

  // Phase 1: every backbone's pretrained weights, spread over the slots.
  std::vector<Job> backbone_jobs() const {
    std::vector<Job> jobs;
    for (const BackboneSpec& backbone : s_.spec_.backbones) {
      Job job;
      job.kind = Job::Kind::kBackbone;
      job.backbone = backbone;
      jobs.push_back(job);
    }
    return jobs;
  }

  // Phase 2: per (backbone, target), the transfer measures and probe curve not
  // stored yet, or stored with other probe settings.
  std::vector<Job> measure_jobs() const {
    std::vector<Job> jobs;
    for (const BackboneSpec& backbone : s_.spec_.backbones) {
      const std::string key = pretrain_key(backbone);
      if (std::count(unprepared_keys_.begin(), unprepared_keys_.end(), key)) continue;
      for (const TargetSpec& target : s_.spec_.targets) {
        if (measured(backbone, target)) continue;
        Job job;
        job.kind = Job::Kind::kMeasure;
        job.backbone = backbone;
        job.target = target;
        job.probes = {s_.spec_.training, s_.spec_.grid.lr};
        jobs.push_back(job);
      }
    }
    return jobs;
  }

  // Whether the store holds this pair's measures with this sweep's probe settings.
  bool measured(const BackboneSpec& backbone, const TargetSpec& target) const {
    const auto stored = s_.store_.measure(pretrain_key(backbone), target_key(target));
    return stored && stored->probe_key == probe_key(s_.spec_.training, s_.spec_.grid.lr);
  }

  // Runs the jobs over the slots until all are answered. False when stopped. A
  // measure that another runner on the same database recorded meanwhile is
  // not taken again.
  bool run_jobs(std::vector<Job> queue) {
    while (!queue.empty() || any_busy()) {
      if (s_.options_.stop_requested()) return stop_everything();
      for (size_t s = 0; s < slots_.size() && !queue.empty(); ++s) {
        if (slots_[s].busy || slots_[s].retired) continue;
        if (!room_for_another()) break;
        while (!queue.empty() && queue.front().kind == Job::Kind::kMeasure &&
               measured(queue.front().backbone, queue.front().target))
          queue.erase(queue.begin());
        if (queue.empty()) break;
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
    double last_heartbeat = clock();
    while (true) {
      if (s_.options_.stop_requested()) {
        stop_everything();
        return;
      }
      if (!drained) drained = !start_pending_trials();
      if (drained && any_idle() && add_seeds()) {
        drained = false;
        continue;
      }
      if (!any_busy()) {
        if (all_retired() && !drained) finish_out_of_devices();
        return;
      }
      handle_events();
      check_timeouts();
      if (clock() - last_heartbeat >= s_.options_.heartbeat_interval) {
        s_.store_.heartbeat(s_.me_, now());
        last_heartbeat = clock();
      }
    }
  }

  // Adaptive replication: seeds where an undecided verdict hinges (see
  // replication.h), asked again only once something finished since the last
  // time. Whether any was added.
  bool add_seeds() {
    if (s_.spec_.grid.max_seeds == 0 || finished_here_ == finished_at_last_top_up_) return false;
    finished_at_last_top_up_ = finished_here_;
    const std::vector<AddedTrial> planned =
        plan_added_seeds(s_.spec_, s_.store_.trials(s_.spec_.name), s_.options_.tolerance);
    const int added = s_.store_.add_trials(s_.spec_.name, planned);
    for (const AddedTrial& t : planned) {
      s_.progress_.print("added    " + describe_trial(t.spec) + ": " + undecided_phrase(t.reason));
    }
    total_ += added;
    siblings_.clear();
    return added > 0;
  }

  // Gives every idle slot in rotation the next pending trial. False once the
  // store has no pending trial left for this sweep: from then on the run only
  // waits for the trials still running.
  bool start_pending_trials() {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (slots_[s].busy || slots_[s].retired) continue;
      if (!room_for_another()) break;
      const auto trial =
          s_.store_.claim_next(s_.spec_.name, s_.me_, s_.slots_[s].device, now(), unprepared_keys_);
      if (!trial) return false;
      Job job;
      job.trial = *trial;
      job.trial.schedule = trial_schedule(s_.spec_, *trial);
      start(s, job);
    }
    return true;
  }

  void start(size_t s, const Job& job) {
    SlotState& slot = slots_[s];
    slot.busy = true;
    slot.job = job;
    if (s_.options_.threads_per_job) slot.job.threads = s_.options_.threads_per_job(job.kind);
    slot.started = clock();
    slot.fraction = 0.0;
    slot.at_rung.reset();
    slot.passed.reset();
    slot.withdrawn = false;
    slot.status = describe_job(job);
    s_.pool_.assign(static_cast<int>(s), slot.job);
    show();
  }

  void handle_events() {
    for (const PoolEvent& event : s_.pool_.wait(s_.options_.poll_interval)) {
      const auto s = static_cast<size_t>(event.slot);
      if (event.kind == PoolEvent::Kind::kExited) {
        if (slots_[s].busy) job_failed(s, event.cause);
        continue;
      }
      handle_message(s, event.message);
    }
    decide_waiting_rungs();
  }

  void handle_message(size_t s, const WorkerMessage& m) {
    SlotState& slot = slots_[s];
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
        s_.store_.record_pretrained(m.pretrained);
        s_.progress_.print("backbone " + describe_backbone({slot.job.backbone.name, m.pretrained}));
        job_succeeded(s);
        break;
      case WorkerMessage::Kind::kMeasured:
        s_.store_.record_measure(m.measure);
        s_.progress_.print(
            "measured " + m.measure.backbone + " on " + m.measure.target + ": LogME " +
            printf_string("%.3f", m.measure.logme) + ", Frechet distance " +
            format_frechet(m.measure.frechet) + "; " +
            prediction_sentence(predict_verdict(m.measure.curve, s_.options_.tolerance),
                                m.measure.curve));
        if (const auto& skipped = m.measure.skipped_images; !skipped.empty()) {
          s_.progress_.print("skipped  " + m.measure.target + ": " +
                             skipped_images_phrase(skipped.size()) + ", first " + skipped.front() +
                             " (all in `sweep report --html` and the skipped_images table)");
        }
        job_succeeded(s);
        break;
      case WorkerMessage::Kind::kError:
        job_failed(s, m.error);
        break;
      case WorkerMessage::Kind::kRung:
        slot.at_rung = RungReport{m.epoch, m.val_accuracy};
        break;
    }
  }

  // Successive halving. A trial that validated at a rung waits for its decision
  // until each learning-rate sibling running in this runner's other slots has
  // reached that rung too, or ended: siblings run side by side (the grid claims
  // them one after another) are judged together, so the first to arrive is not
  // waved through for being first. Siblings that ran earlier, or run in another
  // runner, count with the value the store holds for them, as in ASHA.
  void decide_waiting_rungs() {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (slots_[s].busy && slots_[s].at_rung && !sibling_short_of_rung(s)) decide_rung(s);
    }
  }

  // The slots here running a learning-rate sibling of slot s's trial.
  std::vector<size_t> sibling_slots(size_t s) const {
    const std::string key = sibling_key(slots_[s].job.trial);
    std::vector<size_t> found;
    for (size_t t = 0; t < slots_.size(); ++t) {
      const SlotState& other = slots_[t];
      if (t != s && other.busy && other.job.kind == Job::Kind::kTrial &&
          sibling_key(other.job.trial) == key) {
        found.push_back(t);
      }
    }
    return found;
  }

  bool sibling_short_of_rung(size_t s) const {
    const int epoch = slots_[s].at_rung->epoch;
    for (size_t t : sibling_slots(s)) {
      const SlotState& other = slots_[t];
      const bool there = other.at_rung && other.at_rung->epoch == epoch;
      const bool past = other.passed && other.passed->epoch >= epoch;
      if (!there && !past) return true;
    }
    return false;
  }

  void decide_rung(size_t s) {
    SlotState& slot = slots_[s];
    const TrialSpec& trial = slot.job.trial;
    const RungReport at = *slot.at_rung;
    const bool keep = keep_at_rung(at.val_accuracy, sibling_values(s, at.epoch), keep_fraction());
    s_.store_.record_rung(trial.id, at.epoch, at.val_accuracy, keep);
    slot.at_rung.reset();
    if (keep) slot.passed = at;
    s_.pool_.decide(static_cast<int>(s), keep);
    if (!keep) {
      s_.progress_.print("halving  " + describe_trial(trial) + ": val " + percent(at.val_accuracy) +
                         " at epoch " + std::to_string(at.epoch) +
                         " trails its learning-rate siblings; stopped there");
    }
    withdraw_overtaken(s, at.epoch);
  }

  double keep_fraction() const { return s_.spec_.halving ? s_.spec_.halving->keep : 1.0; }

  // The validation accuracies at this rung of slot s's trial's siblings: as
  // stored, and those waiting at it in this runner's other slots.
  std::vector<double> sibling_values(size_t s, int epoch) {
    std::map<std::string, double> values =
        s_.store_.rung_values(siblings_of(slots_[s].job.trial), epoch);
    for (size_t t : sibling_slots(s)) {
      const SlotState& other = slots_[t];
      if (other.at_rung && other.at_rung->epoch == epoch)
        values[other.job.trial.id] = other.at_rung->val_accuracy;
    }
    std::vector<double> found;
    for (const auto& [id, value] : values) found.push_back(value);
    return found;
  }

  // A sibling here that went on at this rung before slot s's trial arrived
  // there (it ran ahead alone) and no longer ranks within the kept share is
  // stopped after its current epoch, as if they had been judged together.
  void withdraw_overtaken(size_t s, int epoch) {
    for (size_t t : sibling_slots(s)) {
      SlotState& other = slots_[t];
      if (!other.passed || other.passed->epoch != epoch || other.withdrawn) continue;
      const TrialSpec& trial = other.job.trial;
      if (keep_at_rung(other.passed->val_accuracy, sibling_values(t, epoch), keep_fraction()))
        continue;
      other.withdrawn = true;
      s_.store_.record_rung(trial.id, epoch, other.passed->val_accuracy, false);
      s_.pool_.withdraw(static_cast<int>(t));
      s_.progress_.print("halving  " + describe_trial(trial) + ": val " +
                         percent(other.passed->val_accuracy) + " at epoch " +
                         std::to_string(epoch) + " trails the siblings that reached it later; " +
                         "stopped after its current epoch");
    }
  }

  // The sweep's trials that differ from `trial` only in learning rate.
  std::vector<std::string> siblings_of(const TrialSpec& trial) {
    if (siblings_.empty()) {
      for (const TrialRecord& t : s_.store_.trials(s_.spec_.name))
        siblings_[sibling_key(t.spec)].push_back(t.spec.id);
    }
    std::vector<std::string> ids = siblings_[sibling_key(trial)];
    ids.erase(std::remove(ids.begin(), ids.end(), trial.id), ids.end());
    return ids;
  }

  void check_timeouts() {
    if (s_.options_.trial_timeout <= 0) return;
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy || slots_[s].job.kind != Job::Kind::kTrial) continue;
      if (clock() - slots_[s].started <= s_.options_.trial_timeout) continue;
      s_.pool_.kill(static_cast<int>(s));
      job_failed(s, "timed out after " + format_seconds(s_.options_.trial_timeout));
    }
  }

  void trial_done(size_t s, TrialResult result) {
    const TrialSpec& trial = slots_[s].job.trial;
    if (slots_[s].withdrawn && !result.stopped_epoch) {
      // It ended before the withdrawal reached it: it went on after all.
      const RungReport& passed = *slots_[s].passed;
      s_.store_.record_rung(trial.id, passed.epoch, passed.val_accuracy, true);
    }
    const Slot& where = s_.slots_[s];
    // The slot held its share of the device for the trial's wall time.
    result.device_seconds = result.train_seconds * where.share;
    s_.store_.record_done(trial.id, s_.me_, result);
    ++outcome_.done;
    ++finished_here_;
    ++done_;
    if (!best_val_ || result.val_accuracy > *best_val_) best_val_ = result.val_accuracy;
    if (result.stopped_epoch) {
      s_.progress_.print("stopped  " + describe_trial(trial) + " on " + where.label +
                         " after epoch " + std::to_string(*result.stopped_epoch) + ": val " +
                         percent(result.val_accuracy) + ", " +
                         format_seconds(result.train_seconds));
    } else {
      s_.progress_.print(std::string(result.diverged ? "diverged " : "done     ") +
                         describe_trial(trial) + " on " + where.label + ": test " +
                         percent(result.test_accuracy) + ", val " + percent(result.val_accuracy) +
                         ", " + format_seconds(result.train_seconds));
    }
    job_succeeded(s);
    if (s_.options_.after_trial) s_.options_.after_trial();
  }

  void job_succeeded(size_t s) {
    slots_[s].busy = false;
    slots_[s].consecutive_failures = 0;
    show();
  }

  void job_failed(size_t s, const std::string& cause) {
    SlotState& slot = slots_[s];
    const std::string& where = s_.slots_[s].label;
    switch (slot.job.kind) {
      case Job::Kind::kTrial:
        trial_failed(slot.job.trial, where, cause);
        break;
      case Job::Kind::kBackbone:
        unprepared_keys_.push_back(pretrain_key(slot.job.backbone));
        outcome_.failed_backbones.push_back(slot.job.backbone.name);
        s_.progress_.print("backbone " + slot.job.backbone.name + " could not be pretrained on " +
                           where + ": " + cause + "; its trials are skipped");
        break;
      case Job::Kind::kMeasure:
        s_.progress_.print("could not measure " + slot.job.backbone.name + " on " +
                           slot.job.target.name + " (" + where + "): " + cause +
                           "; the report shows it unmeasured");
        break;
    }
    slot.busy = false;
    if (++slot.consecutive_failures >= s_.options_.max_consecutive_failures) {
      slot.retired = true;
      s_.progress_.print(where + " failed " + std::to_string(slot.consecutive_failures) +
                         " jobs in a row; taking it out of rotation");
    }
    show();
  }

  void trial_failed(const TrialSpec& trial, const std::string& where, const std::string& cause) {
    s_.store_.record_failed(trial.id, s_.me_, cause);
    ++outcome_.failed;
    ++finished_here_;
    ++failed_;
    s_.progress_.print("failed   " + describe_trial(trial) + " on " + where + ": " + cause);
    if (s_.options_.after_trial) s_.options_.after_trial();
  }

  bool stop_everything() {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy) continue;
      s_.pool_.kill(static_cast<int>(s));
      if (slots_[s].job.kind == Job::Kind::kTrial)
        s_.store_.release(slots_[s].job.trial.id, s_.me_);
      slots_[s].busy = false;
    }
    outcome_.interrupted = true;
    return false;
  }

  bool finish_out_of_devices() {
    outcome_.out_of_devices = true;
    s_.progress_.print("every device is out of rotation; stopping with trials left pending");
    return false;
  }

  bool any_idle() const {
    return std::any_of(slots_.begin(), slots_.end(),
                       [](const SlotState& s) { return !s.busy && !s.retired; });
  }

  int busy_slots() const {
    return static_cast<int>(
        std::count_if(slots_.begin(), slots_.end(), [](const SlotState& s) { return s.busy; }));
  }

  bool any_busy() const { return busy_slots() > 0; }

  // Whether a free slot may take a job now (SchedulerOptions::max_running).
  bool room_for_another() const {
    return !s_.options_.max_running || busy_slots() < s_.options_.max_running();
  }

  bool all_retired() const {
    return std::all_of(slots_.begin(), slots_.end(), [](const SlotState& s) { return s.retired; });
  }

  void count_stored_trials() {
    for (const TrialRecord& t : s_.store_.trials(s_.spec_.name)) {
      ++total_;
      if (t.state == TrialState::kDone || t.state == TrialState::kStopped) {
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
    state.elapsed = clock() - start_;
    state.best_val = best_val_;
    double running_fraction = 0.0;
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy) continue;
      ++state.running;
      if (slots_[s].job.kind == Job::Kind::kTrial) running_fraction += slots_[s].fraction;
      state.activity +=
          (state.activity.empty() ? "" : " | ") + s_.slots_[s].label + " " + slots_[s].status;
    }
    const double completed = finished_here_ + running_fraction;
    const double remaining = total_ - done_ - failed_ - running_fraction;
    if (completed > 0.05) state.eta = state.elapsed / completed * std::max(0.0, remaining);
    s_.progress_.show(state);
  }

  const Scheduler& s_;
  std::vector<SlotState> slots_;
  double start_;
  RunOutcome outcome_;
  std::vector<std::string> unprepared_keys_;
  int total_ = 0, done_ = 0, failed_ = 0, finished_here_ = 0;
  int finished_at_last_top_up_ = -1;
  std::map<std::string, std::vector<std::string>> siblings_;  // sibling_key -> trial ids
  std::optional<double> best_val_;
};

Scheduler::Scheduler(const SweepSpec& spec, ResultsStore& store, WorkerPool& pool,
                     std::vector<Slot> slots, ProgressSink& progress, System& system,
                     SchedulerOptions options)
    : spec_(spec),
      store_(store),
      pool_(pool),
      slots_(std::move(slots)),
      progress_(progress),
      system_(system),
      options_(std::move(options)),
      me_{system.host_name(), system.process_id()} {}

RunOutcome Scheduler::run() { return Run(*this).run(); }

std::string describe_trial(const TrialSpec& trial) {
  return trial.target.name + ", " + setting_name(trial.strategy, trial.unfrozen, trial.blocks) +
         ", lr " + format_lr(trial.lr) + ", seed " + std::to_string(trial.seed);
}

}  // namespace sweep
