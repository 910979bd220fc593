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
#include "runner/halving_referee.h"

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

}  // namespace

// One run: three phases over the slots (backbones, measures, trials), the
// state of every slot, and the counts the progress display shows.
class Scheduler::Run {
 public:
  explicit Run(const Scheduler& s)
      : s_(s),
        slots_(s.slots_.size()),
        referee_(s.spec_.halving ? s.spec_.halving->keep : 1.0),
        start_(s.system_.monotonic_seconds()) {}

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
      // "added seed 2: clothes undecided ..." -> "added    clothes, ...: undecided ..."
      const std::string why = t.reason.substr(t.reason.find(": ") + 2);
      s_.progress_.print("added    " + describe_trial(t.spec) + ": " +
                         why.substr(why.find(' ') + 1));
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
    if (job.kind == Job::Kind::kTrial)
      referee_.started(static_cast<int>(s), job.trial.id, sibling_key(job.trial));
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
        referee_.arrived(static_cast<int>(s), m.epoch, m.val_accuracy);
        break;
    }
  }

  // Successive halving: records and carries out what the referee decided.
  void decide_waiting_rungs() {
    const StoredRungValues stored = [this](const std::string& key, const std::string& id,
                                           int epoch) {
      return s_.store_.rung_values(siblings_of(key, id), epoch);
    };
    for (const RungDecision& decision : referee_.decide(stored)) carry_out(decision);
  }

  void carry_out(const RungDecision& d) {
    const bool keep =
        d.kind == RungDecision::Kind::kKeep || d.kind == RungDecision::Kind::kKeptAfterAll;
    s_.store_.record_rung(d.trial_id, d.epoch, d.val_accuracy, keep);
    const TrialSpec& trial = slots_[static_cast<size_t>(d.slot)].job.trial;
    switch (d.kind) {
      case RungDecision::Kind::kKeep:
        s_.pool_.decide(d.slot, true);
        break;
      case RungDecision::Kind::kStop:
        s_.pool_.decide(d.slot, false);
        s_.progress_.print("halving  " + describe_trial(trial) + ": val " +
                           percent(d.val_accuracy) + " at epoch " + std::to_string(d.epoch) +
                           " trails its learning-rate siblings; stopped there");
        break;
      case RungDecision::Kind::kWithdraw:
        s_.pool_.withdraw(d.slot);
        s_.progress_.print("halving  " + describe_trial(trial) + ": val " +
                           percent(d.val_accuracy) + " at epoch " + std::to_string(d.epoch) +
                           " trails the siblings that reached it later; " +
                           "stopped after its current epoch");
        break;
      case RungDecision::Kind::kKeptAfterAll:
        break;
    }
  }

  // The sweep's trials with this sibling key (they differ only in learning
  // rate), the trial `id` left out.
  std::vector<std::string> siblings_of(const std::string& key, const std::string& id) {
    if (siblings_.empty()) {
      for (const TrialRecord& t : s_.store_.trials(s_.spec_.name))
        siblings_[sibling_key(t.spec)].push_back(t.spec.id);
    }
    std::vector<std::string> ids = siblings_[key];
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
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
    if (const auto late = referee_.ended(static_cast<int>(s), !result.stopped_epoch))
      carry_out(*late);
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
    referee_.ended(static_cast<int>(s), false);
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
      referee_.ended(static_cast<int>(s), false);
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
  HalvingReferee referee_;
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
  const std::string strategy = strategy_label(trial.strategy, trial.unfrozen, trial.blocks);
  const std::string depth =
      !strategy.empty()     ? strategy
      : trial.unfrozen == 0 ? "head only"
      : trial.unfrozen == trial.blocks
          ? "all " + std::to_string(trial.blocks) + " blocks"
          : std::to_string(trial.unfrozen) + (trial.unfrozen == 1 ? " block" : " blocks");
  return trial.target.name + ", " + depth + ", lr " + format_lr(trial.lr) + ", seed " +
         std::to_string(trial.seed);
}

}  // namespace sweep
