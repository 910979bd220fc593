// How a trial is kept in the results database: its row in `trials` (the spec
// when registered, the result when done), its epochs, and the environment it ran
// in. The columns are named once here, in one place for writing and reading;
// the pieces of the store (sweep_registry.h, trial_queue.h) build their
// statements from these. Not thread-safe, like the Database it is given.
#pragma once

#include <string>
#include <vector>

#include "core/records.h"
#include "storage/sqlite.h"

namespace sweep {

// SQL for the time now as the database keeps it (ISO 8601, UTC).
inline constexpr const char* kSqlNow = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

// Inserts the trial's row as pending unless its id is known already; whether it
// was new.
bool insert_trial(Database& db, const TrialSpec& trial);
// Gives a known trial today's configuration and pretrain key: the same content
// (its id), but its files may lie elsewhere now (a project moved to another
// folder or machine), and workers load them from where the configuration says.
void refresh_trial(Database& db, const TrialSpec& trial);

// Writes a finished trial's result, epochs and environment, while `claimed_by`
// holds its claim; whether it did (the caller's transaction rolls back if not).
bool write_result(Database& db, const std::string& trial_id, const std::string& claimed_by,
                  const TrialResult& result);

// A trial's spec as registered, with its id and position in the sweep.
TrialSpec parse_trial(const std::string& config, const std::string& id, int position);

// The sweep's trials, whole (spec, state, claim and result), in grid order.
std::vector<TrialRecord> read_trials(Database& db, const std::string& sweep);
std::vector<EpochMetrics> read_epochs(Database& db, const std::string& trial_id);

}  // namespace sweep
