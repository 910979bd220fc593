// The queue of a sweep's trials and the leases on them: a runner claims the next
// pending trial, renews its lease while it runs, and records it done or failed
// or gives it back; a trial whose runner is gone returns to pending. Every write
// is one short transaction (see results_store.h for the write policy). A view
// over a Database the caller owns; not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/sweep_spec.h"
#include "storage/sqlite.h"

namespace sweep {

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

class TrialQueue {
 public:
  explicit TrialQueue(Database& db) : db_(db) {}

  // Marks the first pending trial of the sweep, in grid order, as running on
  // `device` for `who`, and returns it; nullopt when none is pending. Trials of
  // backbones whose pretrain key is in `skip_backbones` are left alone.
  std::optional<TrialSpec> claim_next(const std::string& sweep, const Claimant& who,
                                      const std::string& device, double now,
                                      const std::vector<std::string>& skip_backbones = {});
  // The same for a runner: the trial comes ready to run, with its id, position
  // and its schedule under `spec` (when to validate, its rungs) attached.
  std::optional<TrialSpec> claim_next(const SweepSpec& spec, const Claimant& who,
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

 private:
  Database& db_;
};

}  // namespace sweep
