// Grid expansion: a sweep spec -> its trials, in a stable order. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// Every trial of the grid, nested in this order (outermost first): backbone,
// target, unfrozen then the strategies, weight_decay, batch_size, epochs, seed,
// lr. "all" resolves to each backbone's block count. Ids and positions are filled in. The learning
// rate is innermost so that runners claim learning-rate siblings one after another and run them
// side by side, where successive halving can judge them together.
std::vector<TrialSpec> expand_grid(const SweepSpec& spec);

// Blocks a backbone exposes as freeze units.
int block_count(const BackboneSpec& backbone);

// When the trial validates and where successive halving may stop it: every
// recipe.validate_every epochs (0: every ceil(epochs / 4)), at each rung and
// after the last epoch. Rungs apply to trials that train blocks; a head-only
// probe is cheap and never stopped.
TrialSchedule trial_schedule(const SweepSpec& spec, const TrialSpec& trial);

// The same configuration with another seed, its id and schedule filled in
// (adaptive replication adds such trials to a cell).
TrialSpec with_seed(const TrialSpec& trial, int seed, const SweepSpec& spec);

}  // namespace sweep
