// Successive halving's referee among the trials running in this runner's slots:
// told when a trial starts in a slot, validates at a rung (arrives) and ends, it
// answers with what to do -- let a trial go on past its rung, stop it there, or
// withdraw a go-on it gave too early. Pure: it records nothing and talks to no
// worker; the values other runners or earlier trials left in the store come in
// through the lookup passed to decide(). Not thread-safe.
//
// A trial that arrived at a rung waits for its decision until each learning-rate
// sibling running in another slot has reached that rung too, or ended: siblings
// run side by side (the grid claims them one after another) are judged together,
// so the first to arrive is not waved through for being first. Siblings that ran
// earlier, or run in another runner, count with the value stored for them, as in
// ASHA (halving.h). A sibling that went on at a rung before a later one arrived
// there, and no longer ranks within the kept share, is withdrawn: stopped after
// its current epoch, as if they had been judged together.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sweep {

struct RungDecision {
  enum class Kind {
    kKeep,          // the trial goes on past its rung
    kStop,          // the trial stops at its rung
    kWithdraw,      // a trial let past this rung earlier stops after its current epoch
    kKeptAfterAll,  // a withdrawn trial ended before the withdrawal reached it
  };
  Kind kind = Kind::kKeep;
  int slot = 0;
  std::string trial_id;
  int epoch = 0;
  double val_accuracy = 0.0;  // the trial's value at this rung

  bool operator==(const RungDecision& other) const {
    return kind == other.kind && slot == other.slot && trial_id == other.trial_id &&
           epoch == other.epoch && val_accuracy == other.val_accuracy;
  }
};

// The values stored at `epoch` for the siblings (same `sibling_key`) of the trial
// `trial_id`, that trial left out, by trial id.
using StoredRungValues = std::function<std::map<std::string, double>(
    const std::string& sibling_key, const std::string& trial_id, int epoch)>;

class HalvingReferee {
 public:
  // `keep`: the share of siblings that goes on at a rung (HalvingSpec::keep).
  explicit HalvingReferee(double keep) : keep_(keep) {}

  // A trial started in `slot`; whatever the slot held before is forgotten.
  void started(int slot, std::string trial_id, std::string sibling_key);
  // The trial in `slot` validated at the rung `epoch`; it waits for decide().
  void arrived(int slot, int epoch, double val_accuracy);
  // The trial in `slot` ended with its result (`completed`: it ran to its last
  // epoch, not stopped at a rung), or failed or was killed (false). A withdrawal
  // that came too late is answered with kKeptAfterAll.
  std::optional<RungDecision> ended(int slot, bool completed);
  // Decides every waiting trial whose running siblings all reached its rung, in
  // slot order, each with the withdrawals it causes right after it.
  std::vector<RungDecision> decide(const StoredRungValues& stored);

 private:
  struct Rung {
    int epoch = 0;
    double val_accuracy = 0.0;
  };
  struct Runner {
    std::string trial_id;
    std::string sibling_key;
    std::optional<Rung> waiting;  // arrived at this rung, not decided yet
    std::optional<Rung> passed;   // the last rung it was let past
    std::optional<Rung> stopped;  // the rung it was stopped at
    bool withdrawn = false;       // ... its last go-on was withdrawn since
  };

  std::vector<int> siblings_of(int slot) const;
  bool sibling_short_of(int slot, int epoch) const;
  std::vector<double> sibling_values(int slot, int epoch, const StoredRungValues& stored) const;
  void withdraw_overtaken(int slot, int epoch, const StoredRungValues& stored,
                          std::vector<RungDecision>& decisions);

  double keep_;
  std::map<int, Runner> running_;  // slot -> the trial running there
};

}  // namespace sweep
