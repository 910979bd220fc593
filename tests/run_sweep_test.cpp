// run_sweep over the fake pool: what `sweep run` and `sweep shard-run` rely on,
// covered without processes -- failures stay with their trial and run again on
// request, a stopped run loses nothing and resumes, a trial claimed by another
// runner runs once, each finished trial is seen recorded (a shard publishes),
// and CPU workers share the machine's cores only when asked to.
#include "runner/run_sweep.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "scheduler_fixture.h"

namespace sweep {
namespace {

class RunSweepTest : public SchedulerTest {
 protected:
  RunOutcome run_sweep_on(const std::vector<Slot>& slots) {
    return run_sweep(spec_, store_, pool_, slots, sink_, system_, running_);
  }

  // trial id -> "test accuracy finished_at" of every done trial.
  std::map<std::string, std::string> done_trials() {
    std::map<std::string, std::string> done;
    for (const TrialRecord& t : store_.trials("unit")) {
      if (t.state == TrialState::kDone)
        done[t.spec.id] = std::to_string(t.result->test_accuracy) + " " + t.finished_at;
    }
    return done;
  }

  SweepRunOptions running_;
};

TEST_F(RunSweepTest, ACrashAndAHangFailTheirTrialAloneAndRunAgainWhenRetried) {
  pool_.trial_behaviour = {{2, "crash"}, {4, "hang"}};
  running_.trial_timeout = 40.0;
  const RunOutcome first = run_sweep_on(cpu_slots(2));
  EXPECT_EQ(first.failed, 2);
  EXPECT_EQ(first.done, 22);
  const auto trials = store_.trials("unit");
  EXPECT_EQ(trials[2].error, "worker crashed with signal 11 (SIGSEGV)");
  EXPECT_EQ(trials[4].error, "timed out after 40.0 s");

  pool_.trial_behaviour.clear();
  EXPECT_EQ(store_.reset_failed("unit"), 2);
  const RunOutcome retried = run_sweep_on(cpu_slots(2));
  EXPECT_EQ(retried.done, 2);
  EXPECT_EQ(states()[TrialState::kDone], 24);
  const auto after = store_.trials("unit");
  EXPECT_EQ(after[2].attempts + after[4].attempts, 4) << "retries counted";
}

TEST_F(RunSweepTest, AStoppedRunLosesNoFinishedTrialAndTheNextResumes) {
  running_.stop_requested = [this] { return pool_.waits > 8; };
  const RunOutcome stopped = run_sweep_on(cpu_slots(2));
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_EQ(states()[TrialState::kRunning], 0) << "nothing is left running";
  const auto before = done_trials();
  ASSERT_FALSE(before.empty());
  ASSERT_LT(before.size(), 24u);

  running_.stop_requested = [] { return false; };
  EXPECT_EQ(run_sweep_on(cpu_slots(2)).done, static_cast<int>(24 - before.size()));
  const auto after = done_trials();
  EXPECT_EQ(after.size(), 24u);
  for (const auto& [id, result] : before) EXPECT_EQ(after.at(id), result) << id << " changed";
  for (const TrialRecord& t : store_.trials("unit")) EXPECT_EQ(t.attempts, 1) << t.spec.id;
}

TEST_F(RunSweepTest, ATrialAnotherLiveRunnerClaimedRunsThereAlone) {
  ResultsStore other(dir_.file("r.db"), Access::kReadWrite);
  const Claimant elsewhere{"other-host", 5};
  const auto a = other.claim_next("unit", elsewhere, "cpu", 1e9 + 1e6);  // a fresh lease
  const auto b = other.claim_next("unit", elsewhere, "cpu", 1e9 + 1e6);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(run_sweep_on(cpu_slots(2)).done, 22);
  EXPECT_TRUE(other.record_done(a->id, elsewhere, testing::sample_result(0.6)));
  EXPECT_TRUE(other.record_done(b->id, elsewhere, testing::sample_result(0.6)));
  EXPECT_EQ(states()[TrialState::kDone], 24);
  for (const TrialRecord& t : store_.trials("unit")) EXPECT_EQ(t.attempts, 1) << t.spec.id;
}

TEST_F(RunSweepTest, EachFinishedTrialIsRecordedBeforeItIsPublished) {
  pool_.trial_behaviour = {{3, "error"}};
  std::vector<int> finished_when_published;
  running_.after_trial = [&] {
    const auto counts = states();
    const auto count = [&counts](TrialState s) { return counts.count(s) ? counts.at(s) : 0; };
    finished_when_published.push_back(count(TrialState::kDone) + count(TrialState::kFailed));
  };
  run_sweep_on(cpu_slots(1));
  ASSERT_EQ(finished_when_published.size(), 24u);
  for (size_t i = 0; i < 24; ++i) EXPECT_EQ(finished_when_published[i], static_cast<int>(i) + 1);
}

TEST_F(RunSweepTest, TheClaimedTrialArrivesReadyToRunWithItsSchedule) {
  auto doc = testing::valid_sweep_json();
  doc["halving"] = {{"rungs", {0.5}}};
  doc["training"]["epochs"] = 4;
  use(doc);
  std::map<int, TrialSchedule> scheduled;  // position -> schedule as the job carried it
  pool_.on_assign = [&scheduled](const Job& job) {
    if (job.kind == Job::Kind::kTrial) scheduled[job.trial.position] = job.trial.schedule;
  };
  run_sweep_on(cpu_slots(2));
  ASSERT_FALSE(scheduled.empty());
  for (const TrialRecord& t : store_.trials("unit")) {
    ASSERT_TRUE(scheduled.count(t.spec.position)) << t.spec.id;
    const TrialSchedule expected = trial_schedule(spec_, t.spec);
    EXPECT_EQ(scheduled[t.spec.position].rungs, expected.rungs) << t.spec.id;
    EXPECT_EQ(scheduled[t.spec.position].validate_at, expected.validate_at) << t.spec.id;
  }
}

TEST_F(RunSweepTest, CpuWorkersShareTheCoresOnlyWhenAsked) {
  system_.cores = 4;
  run_sweep_on(cpu_slots(2));
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kTrial], std::set<int>{0}) << "as the slot started";

  pool_.threads_by_kind.clear();
  store_.database().exec("UPDATE trials SET state = 'pending'");
  running_.shared_cores = dir_.path() / "runners";
  run_sweep_on(cpu_slots(2));
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kTrial], std::set<int>{2}) << "4 cores, 2 workers";

  pool_.threads_by_kind.clear();
  store_.database().exec("UPDATE trials SET state = 'pending'");
  run_sweep_on({{"cuda:0", "cuda:0#0", 1, 1.0}});
  EXPECT_EQ(pool_.threads_by_kind[Job::Kind::kTrial], std::set<int>{0})
      << "a GPU slot keeps its own";
}

}  // namespace
}  // namespace sweep
