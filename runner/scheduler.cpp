#include "runner/scheduler.h"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/format.h"
#include "analysis/replication.h"
#include "core/identity.h"
#include "runner/halving_referee.h"
#include "runner/preparation_jobs.h"
#include "runner/run_sentences.h"
#include "runner/run_tally.h"

namespace sweep {
namespace {

struct Occupancy {
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
      : spec_(s.spec_),
        store_(s.store_),
        pool_(s.pool_),
        slots_(s.slots_),
        progress_(s.progress_),
        system_(s.system_),
        options_(s.options_),
        me_(s.me_),
        occupancy_(s.slots_.size()),
        referee_(s.spec_.halving ? s.spec_.halving->keep : 1.0),
        tally_(s.store_.trials(s.spec_.name)),
        start_(s.system_.monotonic_seconds()) {}

  RunOutcome run() {
    outcome_.reclaimed = static_cast<int>(
        store_
            .reclaim_stale(now(), options_.lease_seconds, me_.host,
                           [this](int64_t pid) { return system_.process_alive(pid); })
            .size());
    // Phase 1, every backbone's pretrained weights; phase 2, the measures of
    // each pair; phase 3, the trials.
    if (!nothing_to_do() && run_jobs(backbone_jobs(spec_)) &&
        run_jobs(measure_jobs(spec_, store_, unprepared_keys_)))
      run_trials();
    progress_.close();
    return outcome_;
  }

 private:
  double clock() const { return system_.monotonic_seconds(); }
  double now() const { return system_.unix_seconds(); }

  // Every trial finished (done, stopped or failed), every measure stored and
  // no seed to add: then no worker starts and no backbone is loaded.
  bool nothing_to_do() const {
    if (!tally_.all_finished() || !measure_jobs(spec_, store_, unprepared_keys_).empty())
      return false;
    return spec_.grid.max_seeds == 0 ||
           plan_added_seeds(spec_, store_.trials(spec_.name), options_.tolerance).empty();
  }

  // Runs the jobs over the slots until all are answered. False when stopped. A
  // measure that another runner on the same database recorded meanwhile is
  // not taken again.
  bool run_jobs(std::vector<Job> queue) {
    while (!queue.empty() || any_busy()) {
      if (options_.stop_requested()) return stop_everything();
      for (size_t s = 0; s < occupancy_.size() && !queue.empty(); ++s) {
        if (occupancy_[s].busy || occupancy_[s].retired) continue;
        if (!room_for_another()) break;
        while (!queue.empty() && queue.front().kind == Job::Kind::kMeasure &&
               measured(spec_, store_, queue.front().backbone, queue.front().target))
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
      if (options_.stop_requested()) {
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
      if (clock() - last_heartbeat >= options_.heartbeat_interval) {
        store_.heartbeat(me_, now());
        last_heartbeat = clock();
      }
    }
  }

  // Adaptive replication: seeds where an undecided verdict hinges (see
  // replication.h), asked again only once something finished since the last
  // time. Whether any was added.
  bool add_seeds() {
    if (spec_.grid.max_seeds == 0 || tally_.finished_here() == finished_at_last_top_up_)
      return false;
    finished_at_last_top_up_ = tally_.finished_here();
    const std::vector<AddedTrial> planned =
        plan_added_seeds(spec_, store_.trials(spec_.name), options_.tolerance);
    const int added = store_.add_trials(spec_.name, planned);
    for (const AddedTrial& t : planned) {
      progress_.print("added    " + describe_trial(t.spec) + ": " + undecided_phrase(t.reason));
    }
    tally_.added(added);
    siblings_.clear();
    return added > 0;
  }

  // Gives every idle slot in rotation the next pending trial. False once the
  // store has no pending trial left for this sweep: from then on the run only
  // waits for the trials still running.
  bool start_pending_trials() {
    for (size_t s = 0; s < occupancy_.size(); ++s) {
      if (occupancy_[s].busy || occupancy_[s].retired) continue;
      if (!room_for_another()) break;
      std::optional<TrialSpec> trial =
          store_.claim_next(spec_, me_, slots_[s].device, now(), unprepared_keys_);
      if (!trial) return false;
      Job job;
      job.trial = std::move(*trial);
      start(s, job);
    }
    return true;
  }

  void start(size_t s, const Job& job) {
    Occupancy& slot = occupancy_[s];
    slot.busy = true;
    slot.job = job;
    if (options_.threads_per_job) slot.job.threads = options_.threads_per_job(job.kind);
    slot.started = clock();
    slot.fraction = 0.0;
    if (job.kind == Job::Kind::kTrial)
      referee_.started(static_cast<int>(s), job.trial.id, sibling_key(job.trial));
    slot.status = describe_job(job);
    pool_.assign(static_cast<int>(s), slot.job);
    show();
  }

  void handle_events() {
    for (const PoolEvent& event : pool_.wait(options_.poll_interval)) {
      const auto s = static_cast<size_t>(event.slot);
      if (event.kind == PoolEvent::Kind::kExited) {
        if (occupancy_[s].busy) job_failed(s, event.cause);
        continue;
      }
      handle_message(s, event.message);
    }
    decide_waiting_rungs();
  }

  void handle_message(size_t s, const WorkerMessage& m) {
    Occupancy& slot = occupancy_[s];
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
        store_.record_pretrained(m.pretrained);
        progress_.print(pretrained_sentence(slot.job.backbone.name, m.pretrained));
        job_succeeded(s);
        break;
      case WorkerMessage::Kind::kMeasured:
        store_.record_measure(m.measure);
        progress_.print(measured_sentence(m.measure, options_.tolerance));
        if (!m.measure.skipped_images.empty()) progress_.print(skipped_sentence(m.measure));
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
      return store_.rung_values(siblings_of(key, id), epoch);
    };
    for (const RungDecision& decision : referee_.decide(stored)) carry_out(decision);
  }

  void carry_out(const RungDecision& d) {
    const bool keep =
        d.kind == RungDecision::Kind::kKeep || d.kind == RungDecision::Kind::kKeptAfterAll;
    store_.record_rung(d.trial_id, d.epoch, d.val_accuracy, keep);
    const TrialSpec& trial = occupancy_[static_cast<size_t>(d.slot)].job.trial;
    switch (d.kind) {
      case RungDecision::Kind::kKeep:
        pool_.decide(d.slot, true);
        break;
      case RungDecision::Kind::kStop:
        pool_.decide(d.slot, false);
        progress_.print(rung_stopped_sentence(describe_trial(trial), d.epoch, d.val_accuracy));
        break;
      case RungDecision::Kind::kWithdraw:
        pool_.withdraw(d.slot);
        progress_.print(withdrawn_sentence(describe_trial(trial), d.epoch, d.val_accuracy));
        break;
      case RungDecision::Kind::kKeptAfterAll:
        break;
    }
  }

  // The sweep's trials with this sibling key (they differ only in learning
  // rate), the trial `id` left out.
  std::vector<std::string> siblings_of(const std::string& key, const std::string& id) {
    if (siblings_.empty()) {
      for (const TrialRecord& t : store_.trials(spec_.name))
        siblings_[sibling_key(t.spec)].push_back(t.spec.id);
    }
    std::vector<std::string> ids = siblings_[key];
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
    return ids;
  }

  void check_timeouts() {
    if (options_.trial_timeout <= 0) return;
    for (size_t s = 0; s < occupancy_.size(); ++s) {
      if (!occupancy_[s].busy || occupancy_[s].job.kind != Job::Kind::kTrial) continue;
      if (clock() - occupancy_[s].started <= options_.trial_timeout) continue;
      pool_.kill(static_cast<int>(s));
      job_failed(s, timed_out_cause(options_.trial_timeout));
    }
  }

  void trial_done(size_t s, TrialResult result) {
    const TrialSpec& trial = occupancy_[s].job.trial;
    if (const auto late = referee_.ended(static_cast<int>(s), !result.stopped_epoch))
      carry_out(*late);
    const Slot& where = slots_[s];
    // The slot held its share of the device for the trial's wall time: the
    // scheduler, which knows the share, is the one author of device_seconds.
    result.device_seconds = result.train_seconds * where.share;
    store_.record_done(trial.id, me_, result);
    ++outcome_.done;
    tally_.done(result);
    progress_.print(trial_result_sentence(describe_trial(trial), where.label, result));
    job_succeeded(s);
    if (options_.after_trial) options_.after_trial();
  }

  void job_succeeded(size_t s) {
    occupancy_[s].busy = false;
    occupancy_[s].consecutive_failures = 0;
    show();
  }

  void job_failed(size_t s, const std::string& cause) {
    Occupancy& slot = occupancy_[s];
    const std::string& where = slots_[s].label;
    referee_.ended(static_cast<int>(s), false);
    switch (slot.job.kind) {
      case Job::Kind::kTrial:
        trial_failed(slot.job.trial, where, cause);
        break;
      case Job::Kind::kBackbone:
        unprepared_keys_.push_back(pretrain_key(slot.job.backbone));
        outcome_.failed_backbones.push_back(slot.job.backbone.name);
        progress_.print(backbone_failed_sentence(slot.job.backbone.name, where, cause));
        break;
      case Job::Kind::kMeasure:
        progress_.print(
            measure_failed_sentence(slot.job.backbone.name, slot.job.target.name, where, cause));
        break;
    }
    slot.busy = false;
    if (++slot.consecutive_failures >= options_.max_consecutive_failures) {
      slot.retired = true;
      progress_.print(retired_sentence(where, slot.consecutive_failures));
    }
    show();
  }

  void trial_failed(const TrialSpec& trial, const std::string& where, const std::string& cause) {
    store_.record_failed(trial.id, me_, cause);
    ++outcome_.failed;
    tally_.failed();
    progress_.print(trial_failed_sentence(describe_trial(trial), where, cause));
    if (options_.after_trial) options_.after_trial();
  }

  bool stop_everything() {
    for (size_t s = 0; s < occupancy_.size(); ++s) {
      if (!occupancy_[s].busy) continue;
      pool_.kill(static_cast<int>(s));
      referee_.ended(static_cast<int>(s), false);
      if (occupancy_[s].job.kind == Job::Kind::kTrial)
        store_.release(occupancy_[s].job.trial.id, me_);
      occupancy_[s].busy = false;
    }
    outcome_.interrupted = true;
    return false;
  }

  bool finish_out_of_devices() {
    outcome_.out_of_devices = true;
    progress_.print(out_of_devices_sentence());
    return false;
  }

  bool any_idle() const {
    return std::any_of(occupancy_.begin(), occupancy_.end(),
                       [](const Occupancy& s) { return !s.busy && !s.retired; });
  }

  int busy_slots() const {
    return static_cast<int>(std::count_if(occupancy_.begin(), occupancy_.end(),
                                          [](const Occupancy& s) { return s.busy; }));
  }

  bool any_busy() const { return busy_slots() > 0; }

  // Whether a free slot may take a job now (SchedulerOptions::max_running).
  bool room_for_another() const {
    return !options_.max_running || busy_slots() < options_.max_running();
  }

  bool all_retired() const {
    return std::all_of(occupancy_.begin(), occupancy_.end(),
                       [](const Occupancy& s) { return s.retired; });
  }

  void show() {
    double running_fraction = 0.0;
    int running = 0;
    std::string activity;
    for (size_t s = 0; s < occupancy_.size(); ++s) {
      if (!occupancy_[s].busy) continue;
      ++running;
      if (occupancy_[s].job.kind == Job::Kind::kTrial) running_fraction += occupancy_[s].fraction;
      activity += (activity.empty() ? "" : " | ") + slots_[s].label + " " + occupancy_[s].status;
    }
    ProgressState state = tally_.progress(clock() - start_, running_fraction);
    state.running = running;
    state.activity = activity;
    progress_.show(state);
  }

  const SweepSpec& spec_;
  ResultsStore& store_;
  WorkerPool& pool_;
  const std::vector<Slot>& slots_;  // the pool's slots, as the scheduler was given them
  ProgressSink& progress_;
  System& system_;
  const SchedulerOptions& options_;
  const Claimant& me_;
  std::vector<Occupancy> occupancy_;  // what each slot is doing now, by slot
  HalvingReferee referee_;
  RunTally tally_;
  double start_;
  RunOutcome outcome_;
  std::vector<std::string> unprepared_keys_;
  int finished_at_last_top_up_ = -1;
  std::map<std::string, std::vector<std::string>> siblings_;  // sibling_key -> trial ids
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
