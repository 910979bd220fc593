// The scheduling loop with a fake executor: no LibTorch, no training.
#include "runner/sweep_runner.h"

#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"
#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {
namespace {

class FakeExecutor : public TrialExecutor {
 public:
  PretrainedRecord prepare_backbone(const BackboneSpec& backbone, TrainingObserver&) override {
    prepared.push_back(backbone.name);
    return {"key-" + backbone.name, backbone.arch, "fake source", 0.75, 1.0, "/dev/null"};
  }

  TrialResult run(const TrialSpec& trial, TrainingObserver& observer) override {
    ran.push_back(trial.id);
    observer.progress(0.5, "epoch 1/2");
    if (fail_positions.count(trial.position)) throw std::runtime_error("injected failure");
    if (interrupt_at == trial.position) throw Interrupted();
    TrialResult r;
    r.val_accuracy = 0.5 + 0.01 * trial.position;
    r.test_accuracy = r.val_accuracy;
    r.device = "fake:0";
    r.train_seconds = r.device_seconds = 1.0;
    return r;
  }

  std::vector<std::string> prepared;
  std::vector<std::string> ran;
  std::set<int> fail_positions;
  int interrupt_at = -1;
};

class RecordingSink : public ProgressSink {
 public:
  void show(const ProgressState& state) override { states.push_back(state); }
  void print(const std::string& line) override { lines.push_back(line); }
  void close() override { closed = true; }
  std::vector<ProgressState> states;
  std::vector<std::string> lines;
  bool closed = false;
};

class SweepRunnerTest : public ::testing::Test {
 protected:
  SweepRunnerTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        store_(dir_.file("r.db"), Access::kReadWrite) {
    store_.register_sweep(spec_, expand_grid(spec_), "s.json");
  }

  RunContext context(std::function<bool()> stop = [] { return false; }) {
    return RunContext{store_,  executor_, sink_, std::move(stop), [this] { return now_ += 1.0; },
                      "test:1"};
  }

  int count(TrialState state) {
    int n = 0;
    for (const auto& t : store_.trials("unit")) n += t.state == state;
    return n;
  }

  testing::ScopedTempDir dir_;
  SweepSpec spec_;
  ResultsStore store_;
  FakeExecutor executor_;
  RecordingSink sink_;
  double now_ = 0.0;
};

TEST_F(SweepRunnerTest, RunsEveryTrialOnceInGridOrder) {
  auto ctx = context();
  const RunOutcome outcome = run_pending_trials("unit", ctx);
  EXPECT_EQ(outcome.done, 24);
  EXPECT_EQ(outcome.failed, 0);
  EXPECT_FALSE(outcome.interrupted);
  const auto trials = expand_grid(spec_);
  ASSERT_EQ(executor_.ran.size(), trials.size());
  for (size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(executor_.ran[i], trials[i].id);
  EXPECT_EQ(count(TrialState::kDone), 24);
  EXPECT_TRUE(sink_.closed);
  EXPECT_EQ(sink_.lines.size(), 24u);

  // A second run finds nothing to do.
  executor_.ran.clear();
  auto again = context();
  EXPECT_EQ(run_pending_trials("unit", again).done, 0);
  EXPECT_TRUE(executor_.ran.empty());
}

TEST_F(SweepRunnerTest, AFailingTrialFailsAloneWithItsCause) {
  executor_.fail_positions = {3, 7};
  auto ctx = context();
  const RunOutcome outcome = run_pending_trials("unit", ctx);
  EXPECT_EQ(outcome.done, 22);
  EXPECT_EQ(outcome.failed, 2);
  const auto trials = store_.trials("unit");
  EXPECT_EQ(trials[3].state, TrialState::kFailed);
  EXPECT_EQ(trials[3].error, "injected failure");
  EXPECT_EQ(trials[4].state, TrialState::kDone);
  EXPECT_EQ(sink_.lines[3].rfind("failed   near, head only, lr 0.1, seed 2: injected failure", 0),
            0u)
      << sink_.lines[3];
}

TEST_F(SweepRunnerTest, InterruptReturnsTheTrialToPendingAndKeepsFinishedOnes) {
  executor_.interrupt_at = 5;
  auto ctx = context();
  const RunOutcome outcome = run_pending_trials("unit", ctx);
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_EQ(outcome.done, 5);
  EXPECT_EQ(count(TrialState::kDone), 5);
  EXPECT_EQ(count(TrialState::kRunning), 0);
  EXPECT_EQ(store_.trials("unit")[5].attempts, 0);

  executor_.interrupt_at = -1;
  auto resume = context();
  EXPECT_EQ(run_pending_trials("unit", resume).done, 19);
  EXPECT_EQ(count(TrialState::kDone), 24);
}

TEST_F(SweepRunnerTest, StopRequestEndsTheLoopBetweenTrials) {
  int checks = 0;
  auto ctx = context([&checks] { return ++checks > 3; });
  const RunOutcome outcome = run_pending_trials("unit", ctx);
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_LT(outcome.done, 24);
  EXPECT_EQ(count(TrialState::kRunning), 0);
}

TEST_F(SweepRunnerTest, ProgressCountsAndBestValidation) {
  auto ctx = context();
  run_pending_trials("unit", ctx);
  ASSERT_FALSE(sink_.states.empty());
  const ProgressState& last = sink_.states.back();
  EXPECT_EQ(last.total, 24);
  EXPECT_EQ(last.done, 23) << "the last state is shown while the last trial runs";
  ASSERT_TRUE(last.best_val);
  EXPECT_NEAR(*last.best_val, 0.5 + 0.01 * 22, 1e-12);
  ASSERT_TRUE(last.eta);
  EXPECT_EQ(progress_line(last).rfind("[23/24] 1 running, 0 failed", 0), 0u);
}

TEST_F(SweepRunnerTest, PreparesAndRecordsEachBackbone) {
  auto ctx = context();
  prepare_backbones(spec_, ctx);
  EXPECT_EQ(executor_.prepared, std::vector<std::string>{"tiny"});
  ASSERT_TRUE(store_.pretrained("key-tiny"));
  EXPECT_DOUBLE_EQ(store_.pretrained("key-tiny")->source_accuracy, 0.75);
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
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 4u) << text;  // at 30, 60 and 90 seconds, and the printed line
}

}  // namespace
}  // namespace sweep
