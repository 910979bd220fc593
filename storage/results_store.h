// The results database as sweep uses it, one connection shared by its pieces:
// the registry of sweeps and their trials (sweep_registry.h), the queue of
// trials and their leases (trial_queue.h), successive halving's rungs (rungs.h)
// and the measures of backbones and targets (measures.h); trial_rows.h names a
// trial's columns. This facade forwards to them, so that callers hold one
// object; new code may take the piece it needs.
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
#include "storage/measures.h"
#include "storage/rungs.h"
#include "storage/schema.h"
#include "storage/sweep_registry.h"
#include "storage/trial_queue.h"

namespace sweep {

class ResultsStore {
 public:
  ResultsStore(const std::string& path, Access access);
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  SweepRegistry& registry() { return registry_; }
  TrialQueue& queue() { return queue_; }
  Rungs& rungs() { return rungs_; }
  Measures& measures() { return measures_; }
  Database& database() { return db_; }

  // Forwarders: see the piece each belongs to.
  Registration register_sweep(const SweepSpec& spec, const std::vector<TrialSpec>& trials,
                              const std::string& source_file) {
    return registry_.register_sweep(spec, trials, source_file);
  }
  int add_trials(const std::string& sweep, const std::vector<AddedTrial>& trials) {
    return registry_.add_trials(sweep, trials);
  }
  std::vector<std::string> sweep_names() { return registry_.sweep_names(); }
  std::optional<SweepInfo> sweep(const std::string& name) { return registry_.sweep(name); }
  std::vector<TrialRecord> trials(const std::string& sweep) { return registry_.trials(sweep); }
  SweepTiming timing(const std::string& sweep) { return registry_.timing(sweep); }

  std::optional<TrialSpec> claim_next(const std::string& sweep, const Claimant& who,
                                      const std::string& device, double now,
                                      const std::vector<std::string>& skip_backbones = {}) {
    return queue_.claim_next(sweep, who, device, now, skip_backbones);
  }
  std::optional<TrialSpec> claim_next(const SweepSpec& spec, const Claimant& who,
                                      const std::string& device, double now,
                                      const std::vector<std::string>& skip_backbones = {}) {
    return queue_.claim_next(spec, who, device, now, skip_backbones);
  }
  bool record_done(const std::string& trial_id, const Claimant& who, const TrialResult& result) {
    return queue_.record_done(trial_id, who, result);
  }
  bool record_failed(const std::string& trial_id, const Claimant& who, const std::string& error) {
    return queue_.record_failed(trial_id, who, error);
  }
  bool release(const std::string& trial_id, const Claimant& who) {
    return queue_.release(trial_id, who);
  }
  void heartbeat(const Claimant& who, double now) { queue_.heartbeat(who, now); }
  std::vector<std::string> reclaim_stale(double now, double lease_seconds, const std::string& host,
                                         const std::function<bool(int64_t)>& alive) {
    return queue_.reclaim_stale(now, lease_seconds, host, alive);
  }
  int reset_failed(const std::string& sweep) { return queue_.reset_failed(sweep); }
  int reset_stopped(const std::string& sweep) { return queue_.reset_stopped(sweep); }

  void record_rung(const std::string& trial_id, int epoch, double val_accuracy, bool keep) {
    rungs_.record_rung(trial_id, epoch, val_accuracy, keep);
  }
  std::map<std::string, double> rung_values(const std::vector<std::string>& trial_ids, int epoch) {
    return rungs_.rung_values(trial_ids, epoch);
  }

  void record_measure(const TransferMeasure& measure) { measures_.record_measure(measure); }
  std::optional<TransferMeasure> measure(const std::string& pretrain_key,
                                         const std::string& target_key) {
    return measures_.measure(pretrain_key, target_key);
  }
  void record_pretrained(const PretrainedRecord& record) { measures_.record_pretrained(record); }
  std::optional<PretrainedRecord> pretrained(const std::string& key) {
    return measures_.pretrained(key);
  }

 private:
  Database db_;
  SweepRegistry registry_{db_};
  TrialQueue queue_{db_};
  Rungs rungs_{db_};
  Measures measures_{db_};
};

}  // namespace sweep
