// Reading sweeps back from the results database for the commands that show
// them (report, status).
#pragma once

#include <string>
#include <vector>

#include "analysis/summary.h"
#include "storage/results_store.h"

namespace sweep {

// The named sweep, or every sweep when `name` is empty. Throws InputError naming
// the sweeps the database holds when `name` is not one of them.
std::vector<std::string> selected_sweeps(ResultsStore& store, const std::string& name);

// The summary with what only the store knows: backbones' pretraining and the
// transfer measures. `tolerance` as in summarize().
SweepSummary summarize_stored(ResultsStore& store, const std::string& name, double tolerance);

}  // namespace sweep
