// Adaptive replication: which seeds `sweep run` adds so that undecided verdicts
// get decided, spending trials only where a verdict hinges. Pure.
//
// For each (backbone, target) whose verdict is undecided (verdict.h) and none of
// whose trials is still pending or running, the next seed goes to every hinge
// cell (each hinge depth at its chosen learning rate) that lacks it; the same
// seed for all, since the verdict compares cells paired by seed. A target stops
// getting seeds when its verdict is decided or the next seed would reach the
// grid's maximum. Trials of the sweep in any state count as present, so a seed
// is never added twice, and the answer is the same for every runner.
#pragma once

#include <vector>

#include "core/records.h"
#include "core/sweep_spec.h"

namespace sweep {

std::vector<AddedTrial> plan_added_seeds(const SweepSpec& spec,
                                         const std::vector<TrialRecord>& trials, double tolerance);

}  // namespace sweep
