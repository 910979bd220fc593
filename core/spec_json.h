// The mapping between the spec types and JSON, both ways. Reading validates every
// field (type, range, known names) and reports problems through Diagnostics with
// the JSON path; writing produces the canonical form that the database, shard
// manifests and worker messages store (trial identities hash it without its paths:
// identity.h). Two readers, one per form: a user's sweep file, which may not set
// what sweep fills in itself, and the canonical form, which holds it. Reading the
// canonical form back gives equal values (tests/spec_round_trip_test.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"

namespace sweep {

// Readers: on bad input they report through `diag` and return what they could read.

// A user's sweep file. What sweep fills in itself (a TorchScript file's digest,
// block count and input shape; a dataset's content digest) is refused; a target
// with "levels" becomes one target per level.
SweepSpec read_sweep_file(const nlohmann::json& value, Diagnostics& diag);
// The canonical form of a sweep (to_json), as the database and shard manifests
// hold it, with everything sweep filled in.
SweepSpec read_canonical_sweep(const nlohmann::json& value, Diagnostics& diag);
BackboneSpec read_canonical_backbone(const nlohmann::json& value, const std::string& path,
                                     Diagnostics& diag);
TargetSpec read_canonical_target(const nlohmann::json& value, const std::string& path,
                                 Diagnostics& diag);
TrainingRecipe read_recipe(const nlohmann::json& value, const std::string& path, Diagnostics& diag);
// A trial's canonical form (to_json(TrialSpec)); its id and schedule are left empty.
TrialSpec read_trial(const nlohmann::json& value, Diagnostics& diag);

// Checks the grid's depths and strategies against each backbone's block count,
// where known.
void check_depths(const SweepSpec& spec, Diagnostics& diag);
// A block count or "all".
std::optional<Depth> read_depth(const nlohmann::json& item, const std::string& path,
                                Diagnostics& diag);

nlohmann::json to_json(const DataSpec& data);
nlohmann::json to_json(const PretrainSpec& pretrain);
nlohmann::json to_json(const BackboneSpec& backbone);
nlohmann::json to_json(const TargetSpec& target);
nlohmann::json to_json(const TrainingRecipe& recipe);
nlohmann::json to_json(const GridSpec& grid);
nlohmann::json to_json(const SweepSpec& sweep);
// The trial's configuration without its id and position: what its identity hashes.
nlohmann::json to_json(const TrialSpec& trial);

}  // namespace sweep
