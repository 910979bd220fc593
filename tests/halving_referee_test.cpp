#include "runner/halving_referee.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

using Kind = RungDecision::Kind;

// One step of a case: a trial starts, arrives at a rung, ends, or the referee
// decides.
struct Step {
  enum class Op { kStart, kArrive, kEnd, kDecide } op;
  int slot = 0;
  std::string id;          // kStart: the trial
  std::string key;         // kStart: its sibling key
  int epoch = 0;           // kArrive
  double val = 0;          // kArrive
  bool completed = false;  // kEnd
};

Step start(int slot, const std::string& id, const std::string& key = "near-2-seed1") {
  return {Step::Op::kStart, slot, id, key, 0, 0.0, false};
}
Step arrive(int slot, int epoch, double val) {
  return {Step::Op::kArrive, slot, "", "", epoch, val, false};
}
Step end(int slot, bool completed) { return {Step::Op::kEnd, slot, "", "", 0, 0.0, completed}; }
Step decide() { return {Step::Op::kDecide, 0, "", "", 0, 0.0, false}; }

struct Case {
  const char* name;
  double keep;
  // Stored values at epoch 2 by trial id, all siblings of one another.
  std::map<std::string, double> stored;
  std::vector<Step> steps;
  std::vector<RungDecision> expected;  // everything the steps answered, in order
};

std::vector<RungDecision> play(const Case& c) {
  HalvingReferee referee(c.keep);
  const StoredRungValues stored = [&c](const std::string&, const std::string& id, int epoch) {
    std::map<std::string, double> values = epoch == 2 ? c.stored : std::map<std::string, double>{};
    values.erase(id);
    return values;
  };
  std::vector<RungDecision> answered;
  for (const Step& step : c.steps) {
    switch (step.op) {
      case Step::Op::kStart:
        referee.started(step.slot, step.id, step.key);
        break;
      case Step::Op::kArrive:
        referee.arrived(step.slot, step.epoch, step.val);
        break;
      case Step::Op::kEnd:
        if (const auto late = referee.ended(step.slot, step.completed)) answered.push_back(*late);
        break;
      case Step::Op::kDecide:
        for (const RungDecision& d : referee.decide(stored)) answered.push_back(d);
        break;
    }
  }
  return answered;
}

std::string show(const std::vector<RungDecision>& decisions) {
  static const char* names[] = {"keep", "stop", "withdraw", "kept after all"};
  std::string text;
  for (const RungDecision& d : decisions) {
    text += std::string(names[static_cast<int>(d.kind)]) + " slot " + std::to_string(d.slot) + " " +
            d.trial_id + " epoch " + std::to_string(d.epoch) + " val " +
            std::to_string(d.val_accuracy) + "; ";
  }
  return text;
}

TEST(HalvingRefereeTest, Cases) {
  const Case cases[] = {
      {"alone with nothing stored, it goes on",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.5), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.5}}},
      {"a better stored sibling stops it",
       0.5,
       {{"b", 0.9}},
       {start(0, "a"), arrive(0, 2, 0.5), decide()},
       {{Kind::kStop, 0, "a", 2, 0.5}}},
      {"ties go on",
       0.5,
       {{"b", 0.5}},
       {start(0, "a"), arrive(0, 2, 0.5), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.5}}},
      {"keep 1 lets every sibling on",
       1.0,
       {{"b", 0.9}, {"c", 0.8}},
       {start(0, "a"), arrive(0, 2, 0.1), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.1}}},
      {"nothing is decided before a rung is reached", 0.5, {}, {start(0, "a"), decide()}, {}},
      {"the first to arrive waits for its running sibling, then both are judged; the one "
       "stopped there holds the other until it ends",
       0.5,
       {},
       {start(0, "a"), start(1, "b"), arrive(0, 2, 0.5), decide(), arrive(1, 2, 0.9), decide(),
        end(0, false), decide()},
       {{Kind::kStop, 0, "a", 2, 0.5}, {Kind::kKeep, 1, "b", 2, 0.9}}},
      {"a trial that is no sibling does not hold it up",
       0.5,
       {},
       {start(0, "a"), start(1, "x", "near-0-seed1"), arrive(0, 2, 0.5), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.5}}},
      {"a sibling that ended does not hold it up",
       0.5,
       {},
       {start(0, "a"), start(1, "b"), arrive(0, 2, 0.5), decide(), end(1, false), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.5}}},
      {"a slot that takes another trial forgets the one it held",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.5), start(0, "c"), decide()},
       {}},
      {"a go-on given alone is withdrawn when a later sibling overtakes it",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.5), decide(), start(1, "b"), arrive(1, 2, 0.9), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.5},
        {Kind::kKeep, 1, "b", 2, 0.9},
        {Kind::kWithdraw, 0, "a", 2, 0.5}}},
      {"a go-on that still ranks is not withdrawn",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.9), decide(), start(1, "b"), arrive(1, 2, 0.5), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.9}, {Kind::kStop, 1, "b", 2, 0.5}}},
      {"a withdrawn trial that completed went on after all",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.5), decide(), start(1, "b"), arrive(1, 2, 0.9), decide(),
        end(0, true)},
       {{Kind::kKeep, 0, "a", 2, 0.5},
        {Kind::kKeep, 1, "b", 2, 0.9},
        {Kind::kWithdraw, 0, "a", 2, 0.5},
        {Kind::kKeptAfterAll, 0, "a", 2, 0.5}}},
      {"a withdrawn trial that stopped or failed is not kept",
       0.5,
       {},
       {start(0, "a"), arrive(0, 2, 0.5), decide(), start(1, "b"), arrive(1, 2, 0.9), decide(),
        end(0, false)},
       {{Kind::kKeep, 0, "a", 2, 0.5},
        {Kind::kKeep, 1, "b", 2, 0.9},
        {Kind::kWithdraw, 0, "a", 2, 0.5}}},
      {"a sibling past the rung counts with its value and does not hold it up",
       0.5,
       {},
       {start(0, "a"), start(1, "b"), arrive(0, 2, 0.9), arrive(1, 2, 0.9), decide(),
        arrive(0, 4, 0.5), decide()},
       {{Kind::kKeep, 0, "a", 2, 0.9}, {Kind::kKeep, 1, "b", 2, 0.9}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(show(play(c)), show(c.expected)) << c.name;
  }
}

}  // namespace
}  // namespace sweep
