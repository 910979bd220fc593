// The scheduler with a fake worker pool: no processes, no LibTorch, no training.
#include "runner/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/summary.h"
#include "core/grid.h"
#include "core/identity.h"
#include "core/sweep_file.h"
#include "fake_system.h"
#include "runner/progress.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {
namespace {

// Answers jobs at once, or as told per trial position or, for trials, per slot:
// "crash" (the worker dies), "error", "oom", "hang" (never answers). A trial's
// validation accuracy is `val_of(trial)` when set; a trial with rungs first
// reports `rung_val_of(trial)` at its first rung when set (after
// `rung_delay_of(trial)` rounds of wait() when set), and answers once decide()
// says whether it goes on, `result_delay_of(trial)` rounds later when set; a
// withdrawal before then makes it stop one epoch after the rung.
class FakePool : public WorkerPool {
 public:
  explicit FakePool(testing::FakeSystem& system) : system_(system) {}

  void assign(int slot, const Job& job) override {
    assigned.push_back({slot, job.kind == Job::Kind::kTrial ? job.trial.position : -1});
    busy.insert(slot);
    busy_when_assigned.push_back(busy.size());
    if (on_assign) on_assign(job);
    threads_by_kind[job.kind].insert(job.threads);
    std::string behaviour = "ok";
    if (job.kind == Job::Kind::kTrial && slot_behaviour.count(slot))
      behaviour = slot_behaviour[slot];
    if (job.kind == Job::Kind::kTrial && trial_behaviour.count(job.trial.position)) {
      behaviour = trial_behaviour[job.trial.position];
    }
    if (job.kind == Job::Kind::kBackbone && backbone_behaviour.count(job.backbone.name)) {
      behaviour = backbone_behaviour[job.backbone.name];
    }
    if (behaviour == "hang") return;
    PoolEvent progress;
    progress.slot = slot;
    progress.message.fraction = 0.5;
    progress.message.status = "epoch 1/2";
    queued.push_back(progress);
    PoolEvent reply;
    reply.slot = slot;
    if (behaviour == "crash") {
      reply.kind = PoolEvent::Kind::kExited;
      reply.cause = "worker crashed with signal 11 (SIGSEGV)";
    } else if (behaviour == "error" || behaviour == "oom") {
      reply.message.kind = WorkerMessage::Kind::kError;
      reply.message.error = behaviour == "oom" ? "out of memory" : "boom";
    } else if (job.kind == Job::Kind::kBackbone) {
      reply.message.kind = WorkerMessage::Kind::kPretrained;
      reply.message.pretrained = {pretrain_key(job.backbone), "resnet10", "fake", 0.9, 1.0, "w.pt"};
    } else if (job.kind == Job::Kind::kMeasure) {
      reply.message.kind = WorkerMessage::Kind::kMeasured;
      reply.message.measure = measure_of(job);
    } else if (rung_val_of && !job.trial.schedule.rungs.empty()) {
      reply.message.kind = WorkerMessage::Kind::kRung;
      reply.message.epoch = job.trial.schedule.rungs.front();
      reply.message.val_accuracy = rung_val_of(job.trial);
      awaiting[slot] = job.trial;
      if (rung_delay_of) {
        delayed.push_back({rung_delay_of(job.trial), reply});
        return;
      }
    } else {
      reply.message = result_of(job.trial, std::nullopt);
      if (job.kind == Job::Kind::kTrial && result_delay_of) {
        delayed.push_back({result_delay_of(job.trial), reply});
        return;
      }
    }
    queued.push_back(reply);
  }

  static TransferMeasure measure_of(const Job& job) {
    TransferMeasure m;
    m.pretrain_key = pretrain_key(job.backbone);
    m.target_key = target_key(job.target);
    m.backbone = job.backbone.name;
    m.target = job.target.name;
    m.logme = -0.5;
    m.frechet = 3.0;
    m.source_images = 100;
    m.target_images = 80;
    m.seconds = 0.1;
    m.probe_key = probe_key(job.probes.recipe, job.probes.lrs);
    return m;
  }

  void decide(int slot, bool keep) override {
    decisions.push_back({awaiting.at(slot).position, keep});
    PoolEvent reply;
    reply.slot = slot;
    const TrialSpec& trial = awaiting.at(slot);
    reply.message =
        result_of(trial, keep ? std::nullopt : std::optional<int>(trial.schedule.rungs.front()));
    if (keep && result_delay_of) {
      delayed.push_back({result_delay_of(trial), reply});
      past_rung[slot] = trial;
    } else {
      queued.push_back(reply);
    }
    awaiting.erase(slot);
  }

  void withdraw(int slot) override {
    const TrialSpec& trial = past_rung.at(slot);
    withdrawals.push_back(trial.position);
    for (auto& [rounds, event] : delayed) {
      if (event.slot == slot) event.message = result_of(trial, trial.schedule.rungs.front() + 1);
    }
  }

  WorkerMessage result_of(const TrialSpec& trial, std::optional<int> stopped_epoch) {
    WorkerMessage m;
    m.kind = WorkerMessage::Kind::kResult;
    m.result.val_accuracy = val_of ? val_of(trial) : 0.5 + 0.01 * trial.position;
    m.result.test_accuracy = 0.5;
    m.result.train_seconds = 2.0;
    m.result.train_flops = 1e9;
    m.result.device = "fake";
    m.result.stopped_epoch = stopped_epoch;
    return m;
  }

  std::vector<PoolEvent> wait(double timeout) override {
    system_.advance(timeout);
    ++waits;
    std::vector<PoolEvent> out;
    out.swap(queued);
    for (auto it = delayed.begin(); it != delayed.end();) {
      if (--it->first > 0) {
        ++it;
        continue;
      }
      out.push_back(it->second);
      it = delayed.erase(it);
    }
    for (const PoolEvent& e : out) {
      const auto kind = e.message.kind;
      if (e.kind == PoolEvent::Kind::kExited ||
          (kind != WorkerMessage::Kind::kProgress && kind != WorkerMessage::Kind::kRung))
        busy.erase(e.slot);
    }
    return out;
  }

  void kill(int slot) override {
    killed.push_back(slot);
    std::vector<PoolEvent> keep;
    for (auto& e : queued) {
      if (e.slot != slot) keep.push_back(e);
    }
    queued.swap(keep);
  }

  std::map<int, std::string> trial_behaviour, slot_behaviour;
  std::map<std::string, std::string> backbone_behaviour;
  std::vector<std::pair<int, int>> assigned;  // slot, trial position (-1: backbone)
  std::vector<int> killed;
  std::function<void(const Job&)> on_assign;
  std::set<int> busy;                      // slots with a job not answered yet
  std::vector<size_t> busy_when_assigned;  // busy slots, that one included, at each assign
  std::map<Job::Kind, std::set<int>> threads_by_kind;  // the threads each kind of job was given
  std::function<double(const TrialSpec&)> val_of, rung_val_of;
  std::function<int(const TrialSpec&)> rung_delay_of, result_delay_of;
  std::map<int, TrialSpec> past_rung;           // slot -> its trial gone on past a rung
  std::vector<int> withdrawals;                 // trial positions
  std::map<int, TrialSpec> awaiting;            // slot -> its trial waiting at a rung
  std::vector<std::pair<int, bool>> decisions;  // trial position, keep
  std::vector<PoolEvent> queued;
  std::vector<std::pair<int, PoolEvent>> delayed;  // rounds of wait() left, event
  int waits = 0;

 private:
  testing::FakeSystem& system_;
};

class RecordingSink : public ProgressSink {
 public:
  void show(const ProgressState& state) override { states.push_back(state); }
  void print(const std::string& line) override { lines.push_back(line); }
  void close() override {}
  bool printed(const std::string& prefix) const {
    for (const auto& l : lines) {
      if (l.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  std::vector<ProgressState> states;
  std::vector<std::string> lines;
};

std::vector<Slot> cpu_slots(int n) {
  std::vector<Slot> slots;
  for (int i = 0; i < n; ++i) slots.push_back({"cpu", "cpu#" + std::to_string(i), 1, 0.5});
  return slots;
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        store_(dir_.file("r.db"), Access::kReadWrite),
        pool_(system_) {
    store_.register_sweep(spec_, expand_grid(spec_), "s.json");
  }

  RunOutcome run(
      int slots, std::function<bool()> stop = [] { return false; }) {
    SchedulerOptions options = options_;
    options.stop_requested = std::move(stop);
    options.after_trial = after_trial_;
    return Scheduler(spec_, store_, pool_, cpu_slots(slots), sink_, system_, options).run();
  }

  // The fixture's sweep replaced by `doc`'s, registered anew.
  void use(const nlohmann::json& doc) {
    spec_ = parse_sweep_text(doc.dump(), "s.json");
    store_.register_sweep(spec_, expand_grid(spec_), "s.json");
  }

  std::map<TrialState, int> states() {
    std::map<TrialState, int> counts;
    for (const auto& t : store_.trials("unit")) ++counts[t.state];
    return counts;
  }

  testing::ScopedTempDir dir_;
  SweepSpec spec_;
  ResultsStore store_;
  testing::FakeSystem system_;  // host "here", pid 1, alive; Unix time 1e9 + its clock
  FakePool pool_;
  RecordingSink sink_;
  SchedulerOptions options_;
  std::function<void()> after_trial_;
};

TEST_F(SchedulerTest, RunsEveryTrialExactlyOnceAcrossSlots) {
  const RunOutcome outcome = run(3);
  EXPECT_EQ(outcome.done, 24);
  EXPECT_EQ(outcome.failed, 0);
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ(states()[TrialState::kDone], 24);
  std::multiset<int> positions;
  std::set<int> slots_used;
  for (const auto& [slot, position] : pool_.assigned) {
    if (position >= 0) positions.insert(position);
    slots_used.insert(slot);
  }
  EXPECT_EQ(positions.size(), 24u);
  for (int p = 0; p < 24; ++p) EXPECT_EQ(positions.count(p), 1u) << p;
  EXPECT_EQ(slots_used.size(), 3u);
  for (const auto& t : store_.trials("unit")) {
    EXPECT_EQ(t.attempts, 1);
    EXPECT_DOUBLE_EQ(t.result->device_seconds, 1.0) << "2 s at half the device";
  }
  ASSERT_TRUE(store_.pretrained(pretrain_key(spec_.backbones[0])));
  for (const TargetSpec& target : spec_.targets) {
    const auto measure = store_.measure(pretrain_key(spec_.backbones[0]), target_key(target));
    ASSERT_TRUE(measure) << target.name;
    EXPECT_DOUBLE_EQ(measure->frechet, 3.0);
  }

  pool_.assigned.clear();
  EXPECT_EQ(run(2).done, 0) << "a second run finds nothing to do";
  EXPECT_TRUE(pool_.assigned.empty()) << "no worker starts, no backbone loads: all is stored";
  store_.database().exec(
      "UPDATE trials SET state = 'pending' WHERE trial_id = (SELECT trial_id "
      "FROM trials ORDER BY trial_id LIMIT 1)");
  EXPECT_EQ(run(2).done, 1) << "a pending trial: the backbone check, then the trial";
  EXPECT_EQ(pool_.assigned.size(), 2u);
}

TEST_F(SchedulerTest, CrashesAndErrorsFailTheirTrialAloneWithTheCause) {
  pool_.trial_behaviour = {{3, "crash"}, {5, "error"}, {7, "oom"}};
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 21);
  EXPECT_EQ(outcome.failed, 3);
  const auto trials = store_.trials("unit");
  EXPECT_EQ(trials[3].error, "worker crashed with signal 11 (SIGSEGV)");
  EXPECT_EQ(trials[5].error, "boom");
  EXPECT_EQ(trials[7].error, "out of memory");
  EXPECT_EQ(trials[3].attempts, 1);
  EXPECT_TRUE(sink_.printed("failed   near, head-only, lr 0.1, seed 2 on cpu#"));
}

TEST_F(SchedulerTest, RetriedFailuresCountTheirAttempts) {
  pool_.trial_behaviour = {{4, "error"}};
  run(1);
  EXPECT_EQ(store_.reset_failed("unit"), 1);
  pool_.trial_behaviour.clear();
  EXPECT_EQ(run(1).done, 1);
  const auto trial = store_.trials("unit")[4];
  EXPECT_EQ(trial.state, TrialState::kDone);
  EXPECT_EQ(trial.attempts, 2);
}

TEST_F(SchedulerTest, AFailingDeviceIsTakenOutOfRotation) {
  pool_.slot_behaviour = {{1, "crash"}};
  const RunOutcome outcome = run(2);
  EXPECT_FALSE(outcome.out_of_devices);
  EXPECT_EQ(outcome.failed, 3) << "slot 1 fails three trials, then gets none";
  EXPECT_EQ(outcome.done, 21);
  EXPECT_TRUE(sink_.printed("cpu#1 failed 3 jobs in a row; taking it out of rotation"));
  int after_retirement = 0;
  bool retired = false;
  int failures = 0;
  for (const auto& [slot, position] : pool_.assigned) {
    if (slot != 1 || position < 0) continue;
    if (retired) ++after_retirement;
    retired = ++failures >= 3;
  }
  EXPECT_EQ(after_retirement, 0);
}

TEST_F(SchedulerTest, StopsLaunchingWhenEveryDeviceIsOut) {
  pool_.slot_behaviour = {{0, "crash"}, {1, "crash"}};
  pool_.backbone_behaviour = {{"tiny", "ok"}};
  const RunOutcome outcome = run(2);
  EXPECT_TRUE(outcome.out_of_devices);
  EXPECT_EQ(outcome.failed, 6);
  EXPECT_EQ(states()[TrialState::kPending], 18);
  EXPECT_EQ(states()[TrialState::kRunning], 0);
  EXPECT_TRUE(sink_.printed("every device is out of rotation"));
}

TEST_F(SchedulerTest, HungTrialsTimeOut) {
  options_.trial_timeout = 5.0;
  pool_.trial_behaviour = {{2, "hang"}};
  const RunOutcome outcome = run(1);
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_EQ(store_.trials("unit")[2].error, "timed out after 5.0 s");
  EXPECT_EQ(pool_.killed, std::vector<int>{0});
  EXPECT_EQ(outcome.done, 23);
}

TEST_F(SchedulerTest, InterruptReturnsRunningTrialsToPending) {
  pool_.trial_behaviour = {{6, "hang"}, {7, "hang"}};
  const RunOutcome outcome = run(2, [this] { return pool_.waits > 10; });
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_EQ(outcome.done, 6);
  auto counts = states();
  EXPECT_EQ(counts[TrialState::kRunning], 0);
  EXPECT_EQ(counts[TrialState::kDone], 6);
  EXPECT_EQ(counts[TrialState::kPending], 18);
  EXPECT_EQ(store_.trials("unit")[6].attempts, 0);
  EXPECT_EQ(std::set<int>(pool_.killed.begin(), pool_.killed.end()), (std::set<int>{0, 1}));

  pool_.trial_behaviour.clear();
  EXPECT_EQ(run(2).done, 18) << "resuming runs the rest";
}

TEST_F(SchedulerTest, ABackboneThatCannotBePretrainedSkipsItsTrials) {
  pool_.backbone_behaviour = {{"tiny", "error"}};
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.failed_backbones, std::vector<std::string>{"tiny"});
  EXPECT_EQ(outcome.done, 0);
  EXPECT_EQ(states()[TrialState::kPending], 24);
  EXPECT_TRUE(sink_.printed("backbone tiny could not be pretrained on cpu#"));
}

TEST_F(SchedulerTest, ReclaimsTrialsOfRunnersThatDied) {
  const Claimant dead{"here", 999};
  const Claimant elsewhere_alive{"other-host", 5};
  const auto a = store_.claim_next("unit", dead, "cpu", 1e9);
  const auto b = store_.claim_next("unit", elsewhere_alive, "cpu", 1e9 + 1e6);  // fresh lease
  const RunOutcome outcome = run(1);
  EXPECT_EQ(outcome.reclaimed, 1);
  EXPECT_EQ(outcome.done, 23);
  const auto trials = store_.trials("unit");
  EXPECT_EQ(trials[0].state, TrialState::kDone);
  EXPECT_EQ(trials[0].attempts, 2);
  EXPECT_EQ(trials[1].state, TrialState::kRunning) << "another host's live claim is left alone";
}

TEST_F(SchedulerTest, AfterTrialSeesEachFinishedTrialRecorded) {
  pool_.trial_behaviour = {{3, "crash"}, {5, "error"}};
  std::vector<int> finished_when_called;
  after_trial_ = [&] {
    int finished = 0;
    for (const auto& [state, n] : states())
      finished += state == TrialState::kDone || state == TrialState::kFailed ? n : 0;
    finished_when_called.push_back(finished);
  };
  run(2);
  ASSERT_EQ(finished_when_called.size(), 24u) << "once per trial, done or failed";
  for (size_t i = 0; i < finished_when_called.size(); ++i)
    EXPECT_EQ(finished_when_called[i], static_cast<int>(i) + 1) << "recorded before the call";
}

TEST_F(SchedulerTest, PretrainingAndMeasuringMayTakeMoreThreadsThanATrial) {
  options_.threads_per_job = [](Job::Kind kind) { return kind == Job::Kind::kTrial ? 1 : 2; };
  run(2);
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kTrial], std::set<int>{1});
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kBackbone], std::set<int>{2});
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kMeasure], std::set<int>{2});
}

TEST_F(SchedulerTest, RunsNoMoreJobsAtOnceThanItsShareOfTheCoresAndFollowsTheShare) {
  // Another runner holds half the cores for the first 10 jobs, then ends.
  options_.max_running = [this] { return pool_.assigned.size() < 10 ? 1 : 2; };
  pool_.result_delay_of = [](const TrialSpec&) { return 3; };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 24);
  ASSERT_GT(pool_.busy_when_assigned.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(pool_.busy_when_assigned[i], 1u) << "job " << i;
  EXPECT_EQ(*std::max_element(pool_.busy_when_assigned.begin(), pool_.busy_when_assigned.end()), 2u)
      << "both slots work once the share grows";
}

TEST_F(SchedulerTest, AMeasureAnotherRunnerRecordedMeanwhileIsNotTakenAgain) {
  ASSERT_EQ(spec_.targets.size(), 2u);
  options_.max_running = [] { return 1; };
  std::vector<std::string> measured_here;
  pool_.on_assign = [&](const Job& job) {
    if (job.kind != Job::Kind::kMeasure) return;
    measured_here.push_back(job.target.name);
    Job other = job;  // meanwhile another runner on this database measures the next target
    other.target = spec_.targets[1];
    if (measured_here.size() == 1) store_.record_measure(FakePool::measure_of(other));
  };
  EXPECT_EQ(run(2).done, 24);
  EXPECT_EQ(measured_here, std::vector<std::string>{spec_.targets[0].name});
  EXPECT_TRUE(store_.measure(pretrain_key(spec_.backbones[0]), target_key(spec_.targets[1])));
}

TEST_F(SchedulerTest, EverySlotWorksWithoutACap) {
  pool_.result_delay_of = [](const TrialSpec&) { return 3; };
  run(3);
  EXPECT_EQ(*std::max_element(pool_.busy_when_assigned.begin(), pool_.busy_when_assigned.end()),
            3u);
}

TEST_F(SchedulerTest, ProgressShowsCountsEtaAndBestValidation) {
  run(2);
  ASSERT_FALSE(sink_.states.empty());
  const ProgressState& last = sink_.states.back();
  EXPECT_EQ(last.total, 24);
  EXPECT_EQ(last.done, 24);
  ASSERT_TRUE(last.best_val);
  EXPECT_NEAR(*last.best_val, 0.73, 1e-12);
  bool saw_eta = false, saw_running = false;
  for (const auto& s : sink_.states) {
    saw_eta = saw_eta || s.eta.has_value();
    saw_running = saw_running || (s.running == 2 && s.activity.find("cpu#1") != std::string::npos);
  }
  EXPECT_TRUE(saw_eta);
  EXPECT_TRUE(saw_running);
}

TEST_F(SchedulerTest, HalvingStopsTheWorseLearningRateAtItsRungNeverAcrossDepthsOrSeeds) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  use(doc);
  // At the rung lr 0.01 leads on seed 1 and trails on seed 2; it is also the
  // better learning rate at the end.
  pool_.rung_val_of = [](const TrialSpec& t) {
    if (t.seed == 1) return t.lr < 0.05 ? 0.9 : 0.5;
    return t.lr < 0.05 ? 0.4 : 0.5;
  };
  pool_.val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.8 : 0.7; };
  const RunOutcome outcome = run(1);
  EXPECT_EQ(outcome.done, 24);
  int stopped = 0;
  for (const TrialRecord& t : store_.trials("unit")) {
    const bool expected = t.spec.unfrozen > 0 && t.spec.lr > 0.05 && t.spec.seed == 1;
    EXPECT_EQ(t.state == TrialState::kStopped, expected) << describe_trial(t.spec);
    if (t.state != TrialState::kStopped) continue;
    ++stopped;
    EXPECT_EQ(t.result->stopped_epoch, 2);
  }
  EXPECT_EQ(stopped, 4) << "lr 0.1, seed 1, at 2 and all blocks, on both targets";
  for (const auto& [position, keep] : pool_.decisions) {
    EXPECT_EQ(store_.trials("unit")[static_cast<size_t>(position)].spec.unfrozen > 0, true)
        << "head-only probes have no rungs";
    (void)keep;
  }
  EXPECT_EQ(pool_.decisions.size(), 16u) << "every trial that trains blocks, once";
  EXPECT_TRUE(sink_.printed("halving  near, 2 blocks, lr 0.1, seed 1: val 50.0% at epoch 2"));
  const SweepSummary summary = summarize("unit", store_.trials("unit"), std::nullopt);
  EXPECT_EQ(summary.stopped, 4);
  for (const TargetSummary& target : summary.targets) {
    for (const DepthRow& row : target.depths) EXPECT_DOUBLE_EQ(row.lr, 0.01) << row.unfrozen;
  }
}

// Siblings run side by side: lr 0.1 reaches the rung first and trails lr 0.01,
// which arrives three rounds later. Judged on arrival (ASHA) lr 0.1 would go on
// for being first; held until its sibling arrives, it stops.
TEST_F(SchedulerTest, HalvingJudgesSiblingsRunningSideBySideTogether) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  doc["grid"]["unfrozen"] = {2};
  doc["targets"] = nlohmann::json::array({doc["targets"][0]});
  doc["grid"]["seeds"] = {1, 2};
  use(doc);
  pool_.rung_val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.9 : 0.5; };
  pool_.rung_delay_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 4 : 1; };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 4);
  std::vector<size_t> claimed;  // trial positions in the order they were assigned
  for (const auto& [slot, position] : pool_.assigned) {
    if (position >= 0) claimed.push_back(static_cast<size_t>(position));
  }
  ASSERT_EQ(claimed.size(), 4u);
  const std::vector<TrialRecord> trials = store_.trials("unit");
  for (size_t i = 0; i < 4; i += 2) {
    const TrialSpec& a = trials[claimed[i]].spec;
    const TrialSpec& b = trials[claimed[i + 1]].spec;
    EXPECT_EQ(sibling_key(a), sibling_key(b)) << "siblings are claimed one after another";
    EXPECT_NE(a.lr, b.lr);
  }
  for (const TrialRecord& t : store_.trials("unit")) {
    EXPECT_EQ(t.state, t.spec.lr < 0.05 ? TrialState::kDone : TrialState::kStopped)
        << describe_trial(t.spec);
  }
  EXPECT_EQ(pool_.decisions.size(), 4u);
}

// lr 0.01 reaches its rung while its sibling waits behind a slow head-only
// trial, so it goes on alone; when lr 0.1 arrives and leads, the "go on" is
// withdrawn and lr 0.01 stops after its current epoch.
TEST_F(SchedulerTest, HalvingWithdrawsAGoOnWhenALaterSiblingOvertakes) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  doc["grid"]["unfrozen"] = {0, 2};
  doc["targets"] = nlohmann::json::array({doc["targets"][0]});
  doc["grid"]["seeds"] = {1};
  use(doc);
  pool_.rung_val_of = [](const TrialSpec& t) { return t.lr < 0.05 ? 0.5 : 0.9; };
  pool_.rung_delay_of = [](const TrialSpec&) { return 1; };
  pool_.result_delay_of = [](const TrialSpec& t) {
    if (t.unfrozen == 0) return t.lr < 0.05 ? 1 : 6;
    return t.lr < 0.05 ? 20 : 1;
  };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 4);
  for (const TrialRecord& t : store_.trials("unit")) {
    if (t.spec.unfrozen == 0) continue;
    if (t.spec.lr < 0.05) {
      EXPECT_EQ(t.state, TrialState::kStopped);
      EXPECT_EQ(t.result->stopped_epoch, 3) << "one epoch after its rung";
    } else {
      EXPECT_EQ(t.state, TrialState::kDone);
    }
  }
  ASSERT_EQ(pool_.withdrawals.size(), 1u);
  const std::vector<TrialRecord> trials = store_.trials("unit");
  EXPECT_EQ(trials[static_cast<size_t>(pool_.withdrawals[0])].spec.lr, 0.01);
  EXPECT_TRUE(
      sink_.printed("halving  near, 2 blocks, lr 0.01, seed 1: val 50.0% at epoch 2 "
                    "trails the siblings that reached it later"));
  Statement rung = store_.database().prepare(
      "SELECT r.decision FROM rungs r JOIN trials t USING (trial_id) WHERE t.lr < 0.05");
  ASSERT_TRUE(rung.step());
  EXPECT_EQ(rung.text(0), "stop");
}

TEST_F(SchedulerTest, AdaptiveSeedsGoToTheHingeCellsUntilTheMaximum) {
  auto doc = testing::valid_sweep_json();
  doc["grid"]["seeds"] = {{"min", 2}, {"max", 4}};
  use(doc);
  // near: head-only (lr 0.01: 0.80 / 0.84 by seed parity) against all blocks
  // (lr 0.01: 0.83): undecided at any number of seeds; 2 blocks clearly worse.
  // far: decided.
  pool_.val_of = [](const TrialSpec& t) {
    const bool near = t.target.name == "near";
    const bool small_lr = t.lr < 0.05;
    if (t.unfrozen == 0) return near ? (small_lr ? (t.seed % 2 ? 0.84 : 0.80) : 0.70) : 0.51;
    if (t.unfrozen == 2) return near ? 0.60 : 0.705 + 0.001 * t.seed;
    return near ? (small_lr ? 0.83 : 0.50) : 0.905 + 0.001 * t.seed;
  };
  const RunOutcome outcome = run(2);
  EXPECT_EQ(outcome.done, 24 + 2 * 2) << "two hinge cells (each at its chosen lr), seeds 2 and 3";
  std::map<std::string, int> reasons;
  for (const TrialRecord& t : store_.trials("unit")) {
    if (t.reason == "grid") continue;
    EXPECT_EQ(t.spec.target.name, "near");
    EXPECT_TRUE(t.spec.unfrozen == 0 || t.spec.unfrozen == 5) << describe_trial(t.spec);
    EXPECT_GE(t.spec.seed, 2);
    EXPECT_LT(t.spec.seed, 4);
    ++reasons[t.reason.substr(0, t.reason.find(':'))];
  }
  EXPECT_EQ(reasons, (std::map<std::string, int>{{"added seed 2", 2}, {"added seed 3", 2}}));
  EXPECT_EQ(run(2).done, 0) << "a second run adds nothing: the maximum is reached";
}

TEST(ClaimIsStale, ByProcessOnThisHostByLeaseElsewhere) {
  const auto alive = [](int64_t pid) { return pid == 7; };
  EXPECT_FALSE(claim_is_stale({"t", {"me", 7}, 100.0}, 110.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"me", 8}, 100.0}, 110.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"me", 7}, 100.0}, 200.0, 60.0, "me", alive)) << "pid reused";
  EXPECT_FALSE(claim_is_stale({"t", {"far", 8}, 100.0}, 150.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"far", 8}, 100.0}, 161.0, 60.0, "me", alive));
}

TEST(Progress, LogSinkPrintsAtItsInterval) {
  testing::ScopedTempDir dir;
  std::FILE* out = std::fopen(dir.file("log").c_str(), "w+");
  double now = 0.0;
  auto sink = make_log_progress(out, 30.0, [&now] { return now; });
  ProgressState state;
  state.total = 4;
  for (int i = 0; i < 100; ++i) {
    now += 1.0;
    sink->show(state);
  }
  sink->print("a line");
  std::fflush(out);
  std::rewind(out);
  char buffer[4096] = {};
  const size_t n = std::fread(buffer, 1, sizeof buffer - 1, out);
  std::fclose(out);
  const std::string text(buffer, n);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;  // at 30, 60, 90 s and the line
  EXPECT_EQ(text.rfind("[0/4] 0 running, 0 failed, 0.0 s elapsed\n", 0), 0u) << text;
}

}  // namespace
}  // namespace sweep
