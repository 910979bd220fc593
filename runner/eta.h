// How long a run has left, at its own pace so far. Pure.
#pragma once

#include <optional>

namespace sweep {

// `elapsed` seconds of this run finished `completed` trials (the fractions of
// running ones counted); `remaining` trials are left (running fractions taken
// off). None until this run has finished a twentieth of a trial: before that the
// pace says nothing.
std::optional<double> estimate_eta(double elapsed, double completed, double remaining);

}  // namespace sweep
