// The mapping between the spec types and JSON, both ways. Reading validates every
// field (type, range, known names) and reports problems through Diagnostics with
// the JSON path; writing produces the canonical form that trial identities hash and
// that the database stores. Reading the canonical form back gives equal values.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"

namespace sweep {

// Readers: on bad input they report through `diag` and return what they could read.
SweepSpec read_sweep(const nlohmann::json& value, Diagnostics& diag, bool canonical = false);
// `canonical`: also read what sweep fills in itself (a TorchScript file's hash and
// block count), as in the canonical form of a trial; a sweep file may not set it.
BackboneSpec read_backbone(const nlohmann::json& value, const std::string& path, Diagnostics& diag,
                           bool canonical = false);
// `levels`: where a sweep file's "levels" go (see read_targets); nullptr, as
// in a trial's canonical form, where a target has none.
TargetSpec read_target(const nlohmann::json& value, const std::string& path, Diagnostics& diag,
                       std::vector<double>* levels = nullptr);
// A sweep file's target, appended to `targets` with `path` appended to `paths`:
// one target, or with "levels" one per level, each named NAME@LEVEL, its shift
// chain's amounts scaled by the level.
void read_targets(const nlohmann::json& value, const std::string& path, Diagnostics& diag,
                  std::vector<TargetSpec>& targets, std::vector<std::string>& paths);
// The keys of a dataset ("dataset", "path", "classes", "strict") among the
// members of an object being read.
DataSpec read_data(ObjectReader& in);
TrainingRecipe read_recipe(const nlohmann::json& value, const std::string& path, Diagnostics& diag);
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
