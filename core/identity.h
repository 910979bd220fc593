// Content keys: a trial's identity and a pretrained backbone's cache key. Both
// hash canonical JSON (spec_json.h), so they depend on what is configured, not on
// how the sweep file spells it. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// The first 16 hex digits of the SHA-256 of to_json(trial), which leaves out the
// trial's id and position.
std::string trial_id(const TrialSpec& trial);

// Identifies a trial's cell: its configuration without the seed, so the
// replicates of one setting share it.
std::string cell_key(const TrialSpec& trial);

// Identifies a trial's learning-rate siblings: its configuration without the
// learning rate, which successive halving compares among.
std::string sibling_key(const TrialSpec& trial);

// Identifies the settings of the probe curve's probes: the recipe's optimizer,
// momentum, weight decay, batch size and probe epochs, the learning rates, and
// what is measured of them (since schema 3 also their training-split fit), so
// a curve stored without it is measured anew.
std::string probe_key(const TrainingRecipe& recipe, const std::vector<double>& lrs);

// Identifies the pretrained weights of a built-in backbone: its architecture and
// pretraining recipe, not its name, so renaming a backbone reuses its weights.
std::string pretrain_key(const BackboneSpec& backbone);

// Identifies a target's data: dataset, classes, split sizes and sample seed; not
// its name or similarity label.
std::string target_key(const TargetSpec& target);

}  // namespace sweep
