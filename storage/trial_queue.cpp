#include "storage/trial_queue.h"

#include <algorithm>

#include "core/grid.h"
#include "storage/trial_rows.h"

namespace sweep {
bool claim_is_stale(const ClaimInfo& claim, double now, double lease_seconds,
                    const std::string& this_host, const std::function<bool(int64_t)>& alive) {
  const bool lease_expired = now - claim.heartbeat_at > lease_seconds;
  if (claim.claimant.host == this_host) return !alive(claim.claimant.pid) || lease_expired;
  return lease_expired;
}

std::optional<TrialSpec> TrialQueue::claim_next(const std::string& sweep, const Claimant& who,
                                                const std::string& device, double now,
                                                const std::vector<std::string>& skip_backbones) {
  Transaction transaction(db_);
  Statement next = db_.prepare(
      "SELECT t.trial_id, t.config_json, st.position, t.pretrain_key FROM sweep_trials st "
      "JOIN sweeps s USING (sweep_id) JOIN trials t USING (trial_id) "
      "WHERE s.name = ?1 AND t.state = 'pending' ORDER BY st.position");
  next.bind(1, sweep);
  std::optional<TrialSpec> trial;
  while (next.step()) {
    const std::string key = next.text(3);
    if (std::find(skip_backbones.begin(), skip_backbones.end(), key) != skip_backbones.end())
      continue;
    trial = parse_trial(next.text(1), next.text(0), static_cast<int>(next.int64(2)));
    break;
  }
  if (!trial) return std::nullopt;
  db_.prepare(std::string("UPDATE trials SET state = 'running', attempts = attempts + 1, "
                          "claimed_by = ?2, claim_host = ?3, claim_pid = ?4, heartbeat_at = ?5, "
                          "device = ?6, started_at = ") +
              kSqlNow + " WHERE trial_id = ?1")
      .bind(1, trial->id)
      .bind(2, who.name())
      .bind(3, who.host)
      .bind(4, who.pid)
      .bind(5, now)
      .bind(6, device)
      .run();
  transaction.commit();
  return trial;
}

std::optional<TrialSpec> TrialQueue::claim_next(const SweepSpec& spec, const Claimant& who,
                                                const std::string& device, double now,
                                                const std::vector<std::string>& skip_backbones) {
  std::optional<TrialSpec> trial = claim_next(spec.name, who, device, now, skip_backbones);
  if (trial) trial->schedule = trial_schedule(spec, *trial);
  return trial;
}

bool TrialQueue::record_done(const std::string& trial_id, const Claimant& who,
                             const TrialResult& result) {
  Transaction transaction(db_);
  if (!write_result(db_, trial_id, who.name(), result)) return false;  // the claim was lost
  transaction.commit();
  return true;
}

bool TrialQueue::record_failed(const std::string& trial_id, const Claimant& who,
                               const std::string& error) {
  Transaction transaction(db_);
  db_.prepare(std::string("UPDATE trials SET state = 'failed', error = ?3, claimed_by = NULL, "
                          "claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL, "
                          "finished_at = ") +
              kSqlNow + " WHERE trial_id = ?1 AND state = 'running' AND claimed_by = ?2")
      .bind(1, trial_id)
      .bind(2, who.name())
      .bind(3, error)
      .run();
  const bool applied = db_.changes() > 0;
  transaction.commit();
  return applied;
}

bool TrialQueue::release(const std::string& trial_id, const Claimant& who) {
  Transaction transaction(db_);
  db_.prepare(
         "UPDATE trials SET state = 'pending', attempts = max(attempts - 1, 0), "
         "claimed_by = NULL, claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL, "
         "started_at = NULL "
         "WHERE trial_id = ?1 AND state = 'running' AND claimed_by = ?2")
      .bind(1, trial_id)
      .bind(2, who.name())
      .run();
  const bool applied = db_.changes() > 0;
  transaction.commit();
  return applied;
}

void TrialQueue::heartbeat(const Claimant& who, double now) {
  Transaction transaction(db_);
  db_.prepare("UPDATE trials SET heartbeat_at = ?2 WHERE state = 'running' AND claimed_by = ?1")
      .bind(1, who.name())
      .bind(2, now)
      .run();
  transaction.commit();
}

std::vector<std::string> TrialQueue::reclaim_stale(double now, double lease_seconds,
                                                   const std::string& host,
                                                   const std::function<bool(int64_t)>& alive) {
  Transaction transaction(db_);
  Statement running = db_.prepare(
      "SELECT trial_id, claim_host, claim_pid, heartbeat_at FROM trials WHERE state = 'running'");
  std::vector<ClaimInfo> stale;
  while (running.step()) {
    ClaimInfo claim{running.text(0),
                    {running.text(1), running.int64(2)},
                    running.optional_real(3).value_or(0.0)};
    if (claim_is_stale(claim, now, lease_seconds, host, alive)) stale.push_back(claim);
  }
  Statement reclaim = db_.prepare(
      "UPDATE trials SET state = 'pending', claimed_by = NULL, claim_host = NULL, "
      "claim_pid = NULL, heartbeat_at = NULL, error = ?2 WHERE trial_id = ?1 AND state = "
      "'running'");
  std::vector<std::string> ids;
  for (const ClaimInfo& claim : stale) {
    reclaim.bind(1, claim.trial_id)
        .bind(2, "interrupted: its runner " + claim.claimant.name() + " stopped; ran again")
        .run();
    reclaim.reset();
    ids.push_back(claim.trial_id);
  }
  transaction.commit();
  return ids;
}

int TrialQueue::reset_failed(const std::string& sweep) {
  Transaction transaction(db_);
  db_.prepare(
         "UPDATE trials SET state = 'pending' WHERE state = 'failed' AND trial_id IN "
         "(SELECT trial_id FROM sweep_trials JOIN sweeps USING (sweep_id) WHERE name = ?1)")
      .bind(1, sweep)
      .run();
  const int changed = db_.changes();
  transaction.commit();
  return changed;
}

int TrialQueue::reset_stopped(const std::string& sweep) {
  Transaction transaction(db_);
  db_.prepare(
         "UPDATE trials SET state = 'pending', stopped_epoch = NULL WHERE state = 'stopped' AND "
         "trial_id IN (SELECT trial_id FROM sweep_trials JOIN sweeps USING (sweep_id) "
         "WHERE name = ?1)")
      .bind(1, sweep)
      .run();
  const int changed = db_.changes();
  transaction.commit();
  return changed;
}

}  // namespace sweep
