// Content keys: a trial's identity and a pretrained backbone's cache key. Both
// hash canonical JSON (spec_json.h) without where files lie (a TorchScript
// file's path, a dataset's folder): a backbone is its content digest, a dataset
// its content digest (content_digest.h). So they depend on what is configured
// and what the files hold, not on how the sweep file spells it nor where the
// project lies: a project moved to another folder, machine or cluster keeps
// every key. Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// What a trial's identity hashes: to_json(trial) (which leaves out its id,
// position and schedule) without paths.
nlohmann::json identity_json(const TrialSpec& trial);

// The first 16 hex digits of the SHA-256 of identity_json(trial).
std::string trial_id(const TrialSpec& trial);

// The id releases before content identities gave the trial: the hash of its
// canonical form with its paths and without content digests. A database they
// wrote holds its trials under these ids until `sweep run` renames them.
std::string legacy_trial_id(const TrialSpec& trial);

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
// pretraining recipe, not its name, so renaming a backbone reuses its weights;
// a TorchScript backbone by its content digest, not its file's path.
std::string pretrain_key(const BackboneSpec& backbone);

// Identifies a target's data: dataset content, classes, split sizes, sample seed
// and shift; not its name, similarity label or folder.
std::string target_key(const TargetSpec& target);

}  // namespace sweep
