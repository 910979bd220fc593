#include "cluster/shard_plan.h"

namespace sweep {

SubmissionPlan plan_submission(const std::vector<TrialSpec>& grid,
                               const std::map<std::string, TrialProgress>& known,
                               const std::set<std::string>& in_flight, bool retry_failed) {
  SubmissionPlan plan;
  plan.total = static_cast<int>(grid.size());
  std::map<std::pair<std::string, std::string>, size_t> task_of;
  for (const TrialSpec& trial : grid) {
    const auto it = known.find(trial.id);
    const TrialProgress progress = it == known.end() ? TrialProgress{} : it->second;
    if (progress.state == TrialState::kDone) {
      ++plan.done;
      continue;
    }
    if (in_flight.count(trial.id)) {
      ++plan.in_flight;
      continue;
    }
    if (progress.state == TrialState::kFailed && !retry_failed) {
      ++plan.failed;
      continue;
    }
    const auto key = std::make_pair(trial.backbone.name, trial.target.name);
    auto [slot, added] = task_of.emplace(key, plan.tasks.size());
    if (added) plan.tasks.push_back({key.first, key.second, {}});
    plan.tasks[slot->second].trial_ids.push_back(trial.id);
    plan.attempts[trial.id] = progress.attempts;
    ++plan.planned;
  }
  return plan;
}

}  // namespace sweep
