#include "core/trial_progress.h"

namespace sweep {
namespace {

bool finished(TrialState s) {
  return s == TrialState::kDone || s == TrialState::kStopped || s == TrialState::kFailed;
}

// A result: done, or stopped by successive halving with its partial curve.
bool result(TrialState s) { return s == TrialState::kDone || s == TrialState::kStopped; }

}  // namespace

TrialProgress further(const TrialProgress& a, const TrialProgress& b) {
  if ((a.state == TrialState::kDone) != (b.state == TrialState::kDone))
    return a.state == TrialState::kDone ? a : b;
  if (result(a.state) != result(b.state)) return result(a.state) ? a : b;
  if (a.attempts != b.attempts) return a.attempts > b.attempts ? a : b;
  if (finished(a.state) != finished(b.state)) return finished(a.state) ? a : b;
  // Equal attempts, both finished or both not: prefer running over pending so
  // the answer does not depend on the order.
  return a.state == TrialState::kRunning ? a : b;
}

bool supersedes(const TrialProgress& incoming, const TrialProgress& current) {
  if (current.state == TrialState::kDone) return false;
  if (incoming.state == TrialState::kDone) return true;
  if (current.state == TrialState::kStopped) return false;
  if (incoming.state == TrialState::kStopped) return true;
  if (incoming.state != TrialState::kFailed) return false;
  switch (current.state) {
    case TrialState::kPending:
      return incoming.attempts >= current.attempts;
    case TrialState::kFailed:
      return incoming.attempts > current.attempts;
    default:
      return false;
  }
}

void fold_progress(std::map<std::string, TrialProgress>& into,
                   const std::map<std::string, TrialProgress>& more) {
  for (const auto& [id, progress] : more) {
    auto it = into.find(id);
    if (it == into.end()) {
      into.emplace(id, progress);
    } else {
      it->second = further(it->second, progress);
    }
  }
}

}  // namespace sweep
