#include "analysis/replication.h"

#include <map>
#include <set>

#include "analysis/format.h"
#include "analysis/summary.h"
#include "core/grid.h"
#include "core/identity.h"

namespace sweep {
namespace {

using TargetKey = std::pair<std::string, std::string>;  // backbone, target names

bool unfinished(TrialState state) {
  return state == TrialState::kPending || state == TrialState::kRunning;
}

std::string depth_phrase(const DepthRow& row) { return depth_name(row.unfrozen, row.blocks); }

SeedReason reason(int seed, const TargetSummary& target) {
  const Verdict& v = target.verdict;
  const GapToBest& gap = v.gaps[*v.unsure];
  return {target.backbone,
          target.target,
          seed,
          depth_phrase(target.depths[*v.unsure]),
          depth_phrase(target.depths[*v.recommended]),
          gap.mean,
          gap.lower,
          gap.upper,
          gap.pairs};
}

}  // namespace

std::vector<AddedTrial> plan_added_seeds(const SweepSpec& spec,
                                         const std::vector<TrialRecord>& trials, double tolerance) {
  std::vector<AddedTrial> added;
  if (spec.grid.max_seeds <= static_cast<int>(spec.grid.seeds.size())) return added;
  std::set<TargetKey> busy;
  std::map<std::string, std::set<int>> seeds_of_cell;     // cell_key -> seeds present
  std::map<std::string, const TrialSpec*> cell_template;  // cell_key -> one of its trials
  std::map<std::string, std::string> cell_of;             // trial id -> cell_key
  for (const TrialRecord& t : trials) {
    if (unfinished(t.state)) busy.insert({t.spec.backbone.name, t.spec.target.name});
    const std::string cell = cell_key(t.spec);
    seeds_of_cell[cell].insert(t.spec.seed);
    cell_template.emplace(cell, &t.spec);
    cell_of[t.spec.id] = cell;
  }
  const SweepSummary summary =
      summarize(spec.name, trials, std::nullopt, tolerance, seed_looks(spec.grid));
  for (const TargetSummary& target : summary.targets) {
    if (target.verdict.kind != VerdictKind::kUndecided) continue;
    if (busy.count({target.backbone, target.target})) continue;  // its evidence is coming
    std::set<std::string> cells;
    for (size_t h : target.verdict.hinges) {
      for (const std::string& id : target.depths[h].trial_ids) cells.insert(cell_of[id]);
    }
    // The smallest seed some hinge cell lacks.
    int seed = 0;
    while (true) {
      bool all_have = true;
      for (const std::string& cell : cells) all_have = all_have && seeds_of_cell[cell].count(seed);
      if (!all_have) break;
      ++seed;
    }
    if (seed >= spec.grid.max_seeds) continue;
    for (const std::string& cell : cells) {
      if (seeds_of_cell[cell].count(seed)) continue;
      added.push_back({with_seed(*cell_template[cell], seed, spec), reason(seed, target)});
    }
  }
  return added;
}

}  // namespace sweep
