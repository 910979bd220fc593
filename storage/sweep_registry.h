// The registry of sweeps in the results database: each sweep's spec and the
// trials it runs (its grid, and the seeds added to it), read back whole for
// status and reports. A view over a Database the caller owns; not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/sweep_spec.h"
#include "storage/sqlite.h"

namespace sweep {

struct SweepInfo {
  std::string name;
  SweepSpec spec;
  std::string source_file;
  std::string created_at;
  std::string updated_at;
};

struct SweepTiming {
  // The time some trial of the sweep was running: the union of the trials'
  // intervals from start to finish (to now while running), so the hours
  // between one `sweep run` and the next do not count.
  double running_seconds = 0.0;
};

struct Registration {
  int total = 0;  // trials of the sweep: the grid and the seeds added to it so far
  int added = 0;  // trials new to the database
  int done = 0;   // of them already done (or stopped by successive halving)
  // Trials of the sweep's previous grid that are not in this one (a changed
  // grid, recipe or backbone): kept in the database, no longer the sweep's.
  int left_behind = 0;
};

class SweepRegistry {
 public:
  explicit SweepRegistry(Database& db) : db_(db) {}

  // Records the sweep (replacing an earlier spec of the same name) and its grid,
  // atomically. New trials are pending; trials already known keep their state and
  // results, so re-running a file never runs a finished trial again. Seeds added
  // earlier stay with the sweep while their cell is in the grid and their seed
  // below the grid's maximum.
  Registration register_sweep(const SweepSpec& spec, const std::vector<TrialSpec>& trials,
                              const std::string& source_file);
  // Adds trials to a registered sweep after its grid, with why they run; a trial
  // it holds already is left as it is. Returns how many were new to the sweep.
  int add_trials(const std::string& sweep, const std::vector<AddedTrial>& trials);

  std::vector<std::string> sweep_names();
  std::optional<SweepInfo> sweep(const std::string& name);
  // The sweep's trials in grid order.
  std::vector<TrialRecord> trials(const std::string& sweep);
  SweepTiming timing(const std::string& sweep);

 private:
  void prune_added(int64_t sweep_id, const SweepSpec& spec, const std::vector<TrialSpec>& grid);
  Database& db_;
};

}  // namespace sweep
