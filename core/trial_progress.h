// How far a trial has got, without its configuration: its state and attempt
// count. What planning a submission and merging shards need to compare copies
// of the same trial held by different databases. Pure.
#pragma once

#include <map>
#include <string>

#include "core/records.h"

namespace sweep {

struct TrialProgress {
  TrialState state = TrialState::kPending;
  int attempts = 0;
  bool operator==(const TrialProgress& o) const {
    return state == o.state && attempts == o.attempts;
  }
};

// Of two copies of one trial, the one that is further along: a done copy wins
// (a finished result is never replaced), then a stopped one (successive
// halving's partial result); otherwise the later attempt; at equal
// attempts a finished copy (failed) over an unfinished one. Symmetric, so
// folding many copies gives the same answer in any order.
TrialProgress further(const TrialProgress& a, const TrialProgress& b);

// Whether a shard's copy of a trial should replace the main database's when
// merged: a finished result (done) replaces anything but a done trial, a stopped
// one anything but a done or stopped trial; a failure
// replaces a pending trial of no later attempt, or a failure of an earlier one,
// but never a running trial (its runner is alive elsewhere). Copies that are not
// finished replace nothing. Applying it twice changes nothing.
bool supersedes(const TrialProgress& incoming, const TrialProgress& current);

// Folds `more` into `into`, keyed by trial id, with further().
void fold_progress(std::map<std::string, TrialProgress>& into,
                   const std::map<std::string, TrialProgress>& more);

}  // namespace sweep
