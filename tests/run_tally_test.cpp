#include "runner/run_tally.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TrialRecord stored(TrialState state, double val = 0.0) {
  TrialRecord t;
  t.state = state;
  if (state == TrialState::kDone || state == TrialState::kStopped) {
    t.result = TrialResult{};
    t.result->val_accuracy = val;
  }
  return t;
}

TEST(RunTallyTest, CountsWhatWasStoredAndWhatFinishesHere) {
  RunTally tally({stored(TrialState::kDone, 0.6), stored(TrialState::kStopped, 0.7),
                  stored(TrialState::kFailed), stored(TrialState::kPending),
                  stored(TrialState::kRunning)});
  ProgressState state = tally.progress(10.0, 0.0);
  EXPECT_EQ(state.total, 5);
  EXPECT_EQ(state.done, 2) << "stopped by halving counts as done";
  EXPECT_EQ(state.failed, 1);
  EXPECT_EQ(state.best_val, 0.7);
  EXPECT_EQ(state.eta, std::nullopt) << "nothing finished here yet";
  EXPECT_FALSE(tally.all_finished());

  TrialResult result;
  result.val_accuracy = 0.9;
  tally.done(result);
  tally.failed();
  EXPECT_EQ(tally.finished_here(), 2);
  EXPECT_TRUE(tally.all_finished());
  state = tally.progress(10.0, 0.0);
  EXPECT_EQ(state.best_val, 0.9);
  EXPECT_EQ(state.eta, 0.0);

  tally.added(2);
  EXPECT_FALSE(tally.all_finished());
  state = tally.progress(10.0, 0.5);
  EXPECT_EQ(state.total, 7);
  EXPECT_EQ(state.eta, 10.0 / 2.5 * 1.5) << "two finished here and half a running one";
}

}  // namespace
}  // namespace sweep
