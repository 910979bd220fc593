// Comparing copies of one trial held by different databases.
#include "core/trial_progress.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

using State = TrialState;

TEST(TrialProgress, FurtherPrefersDoneThenTheLaterAttemptInAnyOrder) {
  struct Case {
    TrialProgress a, b, want;
  };
  const Case cases[] = {
      {{State::kDone, 1}, {State::kFailed, 3}, {State::kDone, 1}},
      {{State::kPending, 0}, {State::kDone, 2}, {State::kDone, 2}},
      {{State::kFailed, 1}, {State::kFailed, 2}, {State::kFailed, 2}},
      {{State::kPending, 2}, {State::kFailed, 1}, {State::kPending, 2}},
      {{State::kPending, 1}, {State::kFailed, 1}, {State::kFailed, 1}},
      {{State::kRunning, 1}, {State::kPending, 1}, {State::kRunning, 1}},
      {{State::kDone, 1}, {State::kDone, 2}, {State::kDone, 2}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(further(c.a, c.b), c.want) << trial_state_name(c.a.state) << c.a.attempts;
    EXPECT_EQ(further(c.b, c.a), c.want) << trial_state_name(c.b.state) << c.b.attempts;
  }
}

TEST(TrialProgress, FoldKeepsTheFurthestCopyOfEachTrial) {
  std::map<std::string, TrialProgress> main = {{"a", {State::kFailed, 1}},
                                               {"b", {State::kDone, 1}}};
  fold_progress(
      main, {{"a", {State::kDone, 1}}, {"b", {State::kFailed, 2}}, {"c", {State::kPending, 0}}});
  EXPECT_EQ(main.at("a"), (TrialProgress{State::kDone, 1}));
  EXPECT_EQ(main.at("b"), (TrialProgress{State::kDone, 1}));
  EXPECT_EQ(main.at("c"), (TrialProgress{State::kPending, 0}));
}

TEST(TrialProgress, WhatAMergedCopySupersedes) {
  struct Case {
    TrialProgress incoming, current;
    bool want;
  };
  const Case cases[] = {
      {{State::kDone, 1}, {State::kPending, 0}, true},
      {{State::kDone, 1}, {State::kFailed, 3}, true},
      {{State::kDone, 1}, {State::kRunning, 2}, true},
      {{State::kDone, 2}, {State::kDone, 1}, false},  // a result is never replaced
      {{State::kFailed, 1}, {State::kDone, 1}, false},
      {{State::kFailed, 1}, {State::kPending, 0}, true},
      {{State::kFailed, 1}, {State::kPending, 1}, true},
      {{State::kFailed, 1}, {State::kPending, 2}, false},
      {{State::kFailed, 2}, {State::kFailed, 1}, true},
      {{State::kFailed, 1}, {State::kFailed, 1}, false},  // the same attempt: no flip-flop
      {{State::kFailed, 1}, {State::kFailed, 2}, false},
      {{State::kFailed, 3}, {State::kRunning, 1}, false},  // a live claim elsewhere
      {{State::kPending, 1}, {State::kPending, 0}, false},
      {{State::kRunning, 1}, {State::kPending, 0}, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(supersedes(c.incoming, c.current), c.want)
        << trial_state_name(c.incoming.state) << c.incoming.attempts << " over "
        << trial_state_name(c.current.state) << c.current.attempts;
  }
}

}  // namespace
}  // namespace sweep
