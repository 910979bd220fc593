// The results database as sweep uses it: registering sweeps, claiming and
// finishing trials, and reading everything back for reports.
//
// Write policy: every write is one short BEGIN IMMEDIATE transaction, and each
// connection waits up to a minute for the write lock (busy timeout) instead of
// failing, so several `sweep run` processes can share one database; a lock held
// longer fails with SqliteError saying so. Within one `sweep run` the runner process is the
// only writer: its workers report to it rather than opening the database.
//
// Not thread-safe: one ResultsStore per thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/sweep_spec.h"
#include "storage/schema.h"

namespace sweep {

struct SweepInfo {
  std::string name;
  SweepSpec spec;
  std::string source_file;
  std::string created_at;
  std::string updated_at;
};

// Who holds a claim on a running trial: a `sweep run` process.
struct Claimant {
  std::string host;
  int64_t pid = 0;
  std::string name() const { return host + ":" + std::to_string(pid); }
};

// A running trial's claim, as stored.
struct ClaimInfo {
  std::string trial_id;
  Claimant claimant;
  double heartbeat_at = 0.0;  // Unix seconds
};

// A claim is stale when its holder is gone: on this host, when its process no
// longer exists (or has not renewed its lease, in case the pid was reused); on
// another host, when it has not renewed its lease within `lease_seconds`.
bool claim_is_stale(const ClaimInfo& claim, double now, double lease_seconds,
                    const std::string& this_host, const std::function<bool(int64_t)>& alive);

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

class ResultsStore {
 public:
  ResultsStore(const std::string& path, Access access);

  // Records the sweep (replacing an earlier spec of the same name) and its grid,
  // atomically. New trials are pending; trials already known keep their state and
  // results, so re-running a file never runs a finished trial again. Seeds added
  // earlier stay with the sweep while their cell is in the grid and their seed
  // below the grid's maximum.
  Registration register_sweep(const SweepSpec& spec, const std::vector<TrialSpec>& trials,
                              const std::string& source_file);

  // Marks the first pending trial of the sweep, in grid order, as running on
  // `device` for `who`, and returns it; nullopt when none is pending. Trials of
  // backbones whose pretrain key is in `skip_backbones` are left alone.
  std::optional<TrialSpec> claim_next(const std::string& sweep, const Claimant& who,
                                      const std::string& device, double now,
                                      const std::vector<std::string>& skip_backbones = {});
  // Each of these applies only while `who` holds the trial's claim, and says
  // whether it did.
  bool record_done(const std::string& trial_id, const Claimant& who, const TrialResult& result);
  bool record_failed(const std::string& trial_id, const Claimant& who, const std::string& error);
  // Back to pending, as if never attempted (an interrupted trial).
  bool release(const std::string& trial_id, const Claimant& who);
  // Renews the lease of every trial `who` runs.
  void heartbeat(const Claimant& who, double now);
  // Returns trials whose claim is stale (see claim_is_stale) to pending, noting
  // why in their error; returns their ids.
  std::vector<std::string> reclaim_stale(double now, double lease_seconds, const std::string& host,
                                         const std::function<bool(int64_t)>& alive);
  // Failed trials of the sweep back to pending (--retry-failed); returns how many.
  int reset_failed(const std::string& sweep);
  // Trials stopped by successive halving back to pending, for a sweep that no
  // longer halves; returns how many.
  int reset_stopped(const std::string& sweep);

  // Adds trials to a registered sweep after its grid, with why they run; a trial
  // it holds already is left as it is. Returns how many were new to the sweep.
  int add_trials(const std::string& sweep, const std::vector<AddedTrial>& trials);

  // Successive halving: a trial's validation accuracy at a rung and the decision.
  void record_rung(const std::string& trial_id, int epoch, double val_accuracy, bool keep);
  // The validation accuracy at `epoch` of those of `trial_ids` that have one,
  // from a rung decision or the curve of a finished (or stopped) trial.
  std::map<std::string, double> rung_values(const std::vector<std::string>& trial_ids, int epoch);

  std::vector<std::string> sweep_names();
  std::optional<SweepInfo> sweep(const std::string& name);
  // The sweep's trials in grid order.
  std::vector<TrialRecord> trials(const std::string& sweep);
  std::vector<EpochMetrics> epochs(const std::string& trial_id);
  SweepTiming timing(const std::string& sweep);

  void record_measure(const TransferMeasure& measure);
  std::optional<TransferMeasure> measure(const std::string& pretrain_key,
                                         const std::string& target_key);

  void record_pretrained(const PretrainedRecord& record);
  std::optional<PretrainedRecord> pretrained(const std::string& key);

  Database& database() { return db_; }

 private:
  int64_t environment_id(const Environment& env);
  void prune_added(int64_t sweep_id, const SweepSpec& spec, const std::vector<TrialSpec>& grid);
  Database db_;
};

}  // namespace sweep
