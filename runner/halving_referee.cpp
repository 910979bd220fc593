#include "runner/halving_referee.h"

#include "runner/halving.h"

namespace sweep {

void HalvingReferee::started(int slot, std::string trial_id, std::string sibling_key) {
  running_[slot] = Runner{std::move(trial_id), std::move(sibling_key), {}, {}, {}, false};
}

void HalvingReferee::arrived(int slot, int epoch, double val_accuracy) {
  const auto it = running_.find(slot);
  if (it != running_.end()) it->second.waiting = Rung{epoch, val_accuracy};
}

std::optional<RungDecision> HalvingReferee::ended(int slot, bool completed) {
  const auto it = running_.find(slot);
  if (it == running_.end()) return std::nullopt;
  const Runner runner = it->second;
  running_.erase(it);
  if (!completed || !runner.withdrawn) return std::nullopt;
  return RungDecision{RungDecision::Kind::kKeptAfterAll, slot, runner.trial_id,
                      runner.passed->epoch, runner.passed->val_accuracy};
}

std::vector<RungDecision> HalvingReferee::decide(const StoredRungValues& stored) {
  std::vector<RungDecision> decisions;
  for (auto& [slot, runner] : running_) {
    if (!runner.waiting || sibling_short_of(slot, runner.waiting->epoch)) continue;
    const Rung at = *runner.waiting;
    const bool keep = keep_at_rung(at.val_accuracy, sibling_values(slot, at.epoch, stored), keep_);
    runner.waiting.reset();
    (keep ? runner.passed : runner.stopped) = at;
    decisions.push_back({keep ? RungDecision::Kind::kKeep : RungDecision::Kind::kStop, slot,
                         runner.trial_id, at.epoch, at.val_accuracy});
    withdraw_overtaken(slot, at.epoch, stored, decisions);
  }
  return decisions;
}

std::vector<int> HalvingReferee::siblings_of(int slot) const {
  const std::string& key = running_.at(slot).sibling_key;
  std::vector<int> found;
  for (const auto& [other, runner] : running_) {
    if (other != slot && runner.sibling_key == key) found.push_back(other);
  }
  return found;
}

bool HalvingReferee::sibling_short_of(int slot, int epoch) const {
  for (int other : siblings_of(slot)) {
    const Runner& runner = running_.at(other);
    const bool there = runner.waiting && runner.waiting->epoch == epoch;
    const bool past = runner.passed && runner.passed->epoch >= epoch;
    if (!there && !past) return true;
  }
  return false;
}

// The stored values, and over them those of the siblings here: waiting at the
// rung, or decided at it in this round (whose decisions are not recorded yet).
std::vector<double> HalvingReferee::sibling_values(int slot, int epoch,
                                                   const StoredRungValues& stored) const {
  const Runner& me = running_.at(slot);
  std::map<std::string, double> values = stored(me.sibling_key, me.trial_id, epoch);
  for (int other : siblings_of(slot)) {
    const Runner& runner = running_.at(other);
    for (const auto& rung : {runner.waiting, runner.passed, runner.stopped}) {
      if (rung && rung->epoch == epoch) values[runner.trial_id] = rung->val_accuracy;
    }
  }
  std::vector<double> found;
  for (const auto& [id, value] : values) found.push_back(value);
  return found;
}

void HalvingReferee::withdraw_overtaken(int slot, int epoch, const StoredRungValues& stored,
                                        std::vector<RungDecision>& decisions) {
  for (int other : siblings_of(slot)) {
    Runner& runner = running_.at(other);
    if (!runner.passed || runner.passed->epoch != epoch || runner.withdrawn) continue;
    const double value = runner.passed->val_accuracy;
    if (keep_at_rung(value, sibling_values(other, epoch, stored), keep_)) continue;
    runner.withdrawn = true;
    decisions.push_back({RungDecision::Kind::kWithdraw, other, runner.trial_id, epoch, value});
  }
}

}  // namespace sweep
