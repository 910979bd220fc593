// The scheduler with a fake worker pool: its loop, failures, stops, claims,
// the cores it may use and its progress.
#include "runner/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/summary.h"
#include "core/grid.h"
#include "core/identity.h"
#include "scheduler_fixture.h"

namespace sweep {
namespace {

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

}  // namespace
}  // namespace sweep
