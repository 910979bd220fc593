// Internal to the spec readers (spec_read*.cpp): which of the two JSON forms a
// reader is reading. Callers outside core use the readers of spec_json.h, one
// per form, and never name a form.
#pragma once

#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"

namespace sweep {

enum class SpecForm {
  kSweepFile,  // a user's file: what sweep fills in itself is refused
  kCanonical,  // to_json's output: everything, including what sweep filled in
};

// The keys of a dataset ("dataset", "path", "classes", "strict", and in the
// canonical form "content") among the members of an object being read.
DataSpec read_data(ObjectReader& in, SpecForm form);
// `levels`: where a sweep file's "levels" go (see read_targets); nullptr in the
// canonical form, where a target has none.
TargetSpec read_target(const nlohmann::json& value, const std::string& path, Diagnostics& diag,
                       SpecForm form, std::vector<double>* levels);
// A sweep file's target, appended to `targets` with `path` appended to `paths`:
// one target, or with "levels" one per level, each named NAME@LEVEL, its shift
// chain's amounts scaled by the level.
void read_targets(const nlohmann::json& value, const std::string& path, Diagnostics& diag,
                  std::vector<TargetSpec>& targets, std::vector<std::string>& paths);

}  // namespace sweep
