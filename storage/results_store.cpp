#include "storage/results_store.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/identity.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

TrialState parse_state(const std::string& text) {
  if (const auto state = parse_trial_state(text)) return *state;
  throw RuntimeError("results database: unknown trial state \"" + text + "\"");
}

FrozenInput parse_frozen(const std::string& text) {
  if (const auto input = parse_frozen_input(text)) return *input;
  throw RuntimeError("results database: unknown feature_cache \"" + text + "\"");
}

TrialSpec parse_trial(const std::string& config, const std::string& id, int position) {
  Diagnostics diag("results database, trial " + id);
  TrialSpec spec = read_trial(json::parse(config), diag);
  if (!diag.ok()) throw RuntimeError(diag.messages().front());
  spec.id = id;
  spec.position = position;
  return spec;
}

const char* kNow = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

const char* kInsertTrial =
    "INSERT OR IGNORE INTO trials (trial_id, config_json, backbone, pretrain_key, target, "
    "similarity, unfrozen, blocks, lr, seed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

Statement& bind_trial(Statement& insert, const TrialSpec& trial) {
  return insert.bind(1, trial.id)
      .bind(2, to_json(trial).dump())
      .bind(3, trial.backbone.name)
      .bind(4, pretrain_key(trial.backbone))
      .bind(5, trial.target.name)
      .bind(6, trial.target.similarity)
      .bind(7, trial.unfrozen)
      .bind(8, trial.blocks)
      .bind(9, trial.lr)
      .bind(10, trial.seed);
}

}  // namespace

bool claim_is_stale(const ClaimInfo& claim, double now, double lease_seconds,
                    const std::string& this_host, const std::function<bool(int64_t)>& alive) {
  const bool lease_expired = now - claim.heartbeat_at > lease_seconds;
  if (claim.claimant.host == this_host) return !alive(claim.claimant.pid) || lease_expired;
  return lease_expired;
}

ResultsStore::ResultsStore(const std::string& path, Access access)
    : db_(open_results_database(path, access)) {}

Registration ResultsStore::register_sweep(const SweepSpec& spec,
                                          const std::vector<TrialSpec>& trials,
                                          const std::string& source_file) {
  Transaction transaction(db_);
  db_.prepare(
         std::string("INSERT INTO sweeps (name, spec_json, source_file, price_per_device_hour) "
                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET "
                     "spec_json = ?2, source_file = ?3, price_per_device_hour = ?4, "
                     "updated_at = ") +
         kNow)
      .bind(1, spec.name)
      .bind(2, to_json(spec).dump())
      .bind(3, source_file)
      .bind(4, spec.price_per_device_hour)
      .run();
  Statement find = db_.prepare("SELECT sweep_id FROM sweeps WHERE name = ?1");
  find.bind(1, spec.name).step();
  const int64_t sweep_id = find.int64(0);
  std::set<std::string> previous;
  Statement grid =
      db_.prepare("SELECT trial_id FROM sweep_trials WHERE sweep_id = ?1 AND reason = 'grid'");
  grid.bind(1, sweep_id);
  while (grid.step()) previous.insert(grid.text(0));
  db_.prepare("DELETE FROM sweep_trials WHERE sweep_id = ?1 AND reason = 'grid'")
      .bind(1, sweep_id)
      .run();
  prune_added(sweep_id, spec, trials);

  Registration registration;
  Statement insert_trial = db_.prepare(kInsertTrial);
  Statement link = db_.prepare(
      "INSERT INTO sweep_trials (sweep_id, trial_id, position) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (sweep_id, trial_id) DO UPDATE SET position = ?3, reason = 'grid'");
  // A known trial takes today's configuration: the same content, but its files
  // may lie elsewhere now (a project moved to another folder or machine).
  Statement refresh = db_.prepare(
      "UPDATE trials SET config_json = ?2, pretrain_key = ?3 WHERE trial_id = ?1 AND "
      "(config_json != ?2 OR pretrain_key != ?3)");
  for (const TrialSpec& trial : trials) {
    bind_trial(insert_trial, trial).run();
    const int added = db_.changes();
    registration.added += added;
    insert_trial.reset();
    if (added == 0) {
      refresh.bind(1, trial.id)
          .bind(2, to_json(trial).dump())
          .bind(3, pretrain_key(trial.backbone));
      refresh.run();
      refresh.reset();
    }
    link.bind(1, sweep_id).bind(2, trial.id).bind(3, trial.position).run();
    link.reset();
    previous.erase(trial.id);
  }
  registration.left_behind = static_cast<int>(previous.size());
  Statement counts = db_.prepare(
      "SELECT count(*), coalesce(sum(state IN ('done', 'stopped')), 0) FROM sweep_trials "
      "JOIN trials USING (trial_id) WHERE sweep_id = ?1");
  counts.bind(1, sweep_id).step();
  registration.total = static_cast<int>(counts.int64(0));
  registration.done = static_cast<int>(counts.int64(1));
  transaction.commit();
  return registration;
}

std::optional<TrialSpec> ResultsStore::claim_next(const std::string& sweep, const Claimant& who,
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
              kNow + " WHERE trial_id = ?1")
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

void ResultsStore::heartbeat(const Claimant& who, double now) {
  Transaction transaction(db_);
  db_.prepare("UPDATE trials SET heartbeat_at = ?2 WHERE state = 'running' AND claimed_by = ?1")
      .bind(1, who.name())
      .bind(2, now)
      .run();
  transaction.commit();
}

std::vector<std::string> ResultsStore::reclaim_stale(double now, double lease_seconds,
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

int ResultsStore::reset_failed(const std::string& sweep) {
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

int64_t ResultsStore::environment_id(const Environment& env) {
  const char* columns =
      "sweep_version, torch_version, device_kind, cuda_version, host, os, threads";
  db_.prepare(std::string("INSERT OR IGNORE INTO environments (") + columns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, env.sweep_version)
      .bind(2, env.torch_version)
      .bind(3, env.device_kind)
      .bind(4, env.cuda_version)
      .bind(5, env.host)
      .bind(6, env.os)
      .bind(7, env.threads)
      .run();
  Statement find = db_.prepare(
      "SELECT env_id FROM environments WHERE sweep_version = ?1 AND torch_version = ?2 AND "
      "device_kind = ?3 AND cuda_version = ?4 AND host = ?5 AND os = ?6 AND threads = ?7");
  find.bind(1, env.sweep_version)
      .bind(2, env.torch_version)
      .bind(3, env.device_kind)
      .bind(4, env.cuda_version)
      .bind(5, env.host)
      .bind(6, env.os)
      .bind(7, env.threads)
      .step();
  return find.int64(0);
}

bool ResultsStore::record_done(const std::string& trial_id, const Claimant& who,
                               const TrialResult& r) {
  Transaction transaction(db_);
  const int64_t env = environment_id(r.environment);
  db_.prepare(std::string(
                  "UPDATE trials SET state = ?18, error = NULL, claimed_by = NULL, "
                  "claim_host = NULL, "
                  "claim_pid = NULL, heartbeat_at = NULL, "
                  "diverged = ?3, val_accuracy = ?4, test_accuracy = ?5, val_loss = ?6, "
                  "test_loss = ?7, train_seconds = ?8, device_seconds = ?9, device = ?10, "
                  "device_name = ?11, trainable_params = ?12, total_params = ?13, "
                  "train_flops = ?14, peak_memory_bytes = ?15, env_id = ?16, feature_cache = ?17, "
                  "precision = ?19, stopped_epoch = ?20, finished_at = ") +
              kNow + " WHERE trial_id = ?1 AND state = 'running' AND claimed_by = ?2")
      .bind(1, trial_id)
      .bind(2, who.name())
      .bind(3, r.diverged ? 1 : 0)
      .bind(4, r.val_accuracy)
      .bind(5, r.test_accuracy)
      .bind(6, r.val_loss)
      .bind(7, r.test_loss)
      .bind(8, r.train_seconds)
      .bind(9, r.device_seconds)
      .bind(10, r.device)
      .bind(11, r.device_name)
      .bind(12, r.trainable_params)
      .bind(13, r.total_params)
      .bind(14, r.train_flops)
      .bind(15, r.peak_memory_bytes)
      .bind(16, env)
      .bind(17, frozen_input_name(r.frozen_input))
      .bind(18, r.stopped_epoch ? "stopped" : "done")
      .bind(19, r.precision)
      .bind(20, r.stopped_epoch)
      .run();
  if (db_.changes() == 0) return false;  // the claim was lost; the transaction rolls back
  db_.prepare("DELETE FROM epochs WHERE trial_id = ?1").bind(1, trial_id).run();
  Statement insert = db_.prepare(
      "INSERT INTO epochs (trial_id, epoch, lr, train_loss, train_accuracy, val_loss, "
      "val_accuracy, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const EpochMetrics& e : r.epochs) {
    insert.bind(1, trial_id)
        .bind(2, e.epoch)
        .bind(3, e.lr)
        .bind(4, e.train_loss)
        .bind(5, e.train_accuracy)
        .bind(6, e.val_loss)
        .bind(7, e.val_accuracy)
        .bind(8, e.seconds)
        .run();
    insert.reset();
  }
  transaction.commit();
  return true;
}

void ResultsStore::prune_added(int64_t sweep_id, const SweepSpec& spec,
                               const std::vector<TrialSpec>& grid) {
  std::set<std::string> cells;
  for (const TrialSpec& t : grid) cells.insert(cell_key(t));
  Statement added = db_.prepare(
      "SELECT t.trial_id, t.config_json FROM sweep_trials st JOIN trials t USING (trial_id) "
      "WHERE st.sweep_id = ?1 AND st.reason != 'grid'");
  added.bind(1, sweep_id);
  std::vector<std::string> gone;
  while (added.step()) {
    const TrialSpec trial = parse_trial(added.text(1), added.text(0), 0);
    if (!cells.count(cell_key(trial)) || trial.seed >= spec.grid.max_seeds)
      gone.push_back(trial.id);
  }
  Statement unlink = db_.prepare("DELETE FROM sweep_trials WHERE sweep_id = ?1 AND trial_id = ?2");
  for (const std::string& id : gone) {
    unlink.bind(1, sweep_id).bind(2, id).run();
    unlink.reset();
  }
}

int ResultsStore::add_trials(const std::string& sweep, const std::vector<AddedTrial>& trials) {
  Transaction transaction(db_);
  Statement find = db_.prepare(
      "SELECT s.sweep_id, coalesce(max(st.position), -1) FROM sweeps s "
      "LEFT JOIN sweep_trials st USING (sweep_id) WHERE s.name = ?1");
  if (!find.bind(1, sweep).step() || find.optional_real(0) == std::nullopt) return 0;
  const int64_t sweep_id = find.int64(0);
  int64_t position = find.int64(1);
  Statement insert_trial = db_.prepare(kInsertTrial);
  Statement link = db_.prepare(
      "INSERT OR IGNORE INTO sweep_trials (sweep_id, trial_id, position, reason) "
      "VALUES (?1, ?2, ?3, ?4)");
  int added = 0;
  for (const AddedTrial& t : trials) {
    bind_trial(insert_trial, t.spec).run();
    insert_trial.reset();
    link.bind(1, sweep_id)
        .bind(2, t.spec.id)
        .bind(3, position + 1)
        .bind(4, added_seed_reason(t.reason))
        .run();
    link.reset();
    if (db_.changes() > 0) {
      ++added;
      ++position;
    }
  }
  transaction.commit();
  return added;
}

void ResultsStore::record_rung(const std::string& trial_id, int epoch, double val_accuracy,
                               bool keep) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO rungs (trial_id, epoch, val_accuracy, decision) "
         "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, trial_id)
      .bind(2, epoch)
      .bind(3, val_accuracy)
      .bind(4, keep ? "continue" : "stop")
      .run();
  transaction.commit();
}

std::map<std::string, double> ResultsStore::rung_values(const std::vector<std::string>& trial_ids,
                                                        int epoch) {
  std::map<std::string, double> values;
  Statement rung = db_.prepare("SELECT val_accuracy FROM rungs WHERE trial_id = ?1 AND epoch = ?2");
  Statement curve = db_.prepare(
      "SELECT e.val_accuracy FROM epochs e JOIN trials t USING (trial_id) WHERE e.trial_id = ?1 "
      "AND e.epoch = ?2 AND e.val_accuracy IS NOT NULL AND t.state IN ('done', 'stopped')");
  for (const std::string& id : trial_ids) {
    if (rung.bind(1, id).bind(2, epoch).step()) {
      values[id] = rung.real(0);
    } else if (curve.bind(1, id).bind(2, epoch).step()) {
      values[id] = curve.real(0);
    }
    rung.reset();
    curve.reset();
  }
  return values;
}

int ResultsStore::reset_stopped(const std::string& sweep) {
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

bool ResultsStore::record_failed(const std::string& trial_id, const Claimant& who,
                                 const std::string& error) {
  Transaction transaction(db_);
  db_.prepare(std::string("UPDATE trials SET state = 'failed', error = ?3, claimed_by = NULL, "
                          "claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL, "
                          "finished_at = ") +
              kNow + " WHERE trial_id = ?1 AND state = 'running' AND claimed_by = ?2")
      .bind(1, trial_id)
      .bind(2, who.name())
      .bind(3, error)
      .run();
  const bool applied = db_.changes() > 0;
  transaction.commit();
  return applied;
}

bool ResultsStore::release(const std::string& trial_id, const Claimant& who) {
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

std::vector<std::string> ResultsStore::sweep_names() {
  std::vector<std::string> names;
  Statement stmt = db_.prepare("SELECT name FROM sweeps ORDER BY created_at, sweep_id");
  while (stmt.step()) names.push_back(stmt.text(0));
  return names;
}

std::optional<SweepInfo> ResultsStore::sweep(const std::string& name) {
  Statement stmt = db_.prepare(
      "SELECT name, spec_json, source_file, created_at, updated_at FROM sweeps WHERE name = ?1");
  if (!stmt.bind(1, name).step()) return std::nullopt;
  SweepInfo info;
  info.name = stmt.text(0);
  Diagnostics diag("results database, sweep " + name);
  info.spec = read_canonical_sweep(json::parse(stmt.text(1)), diag);
  if (!diag.ok()) throw RuntimeError(diag.messages().front());
  info.source_file = stmt.text(2);
  info.created_at = stmt.text(3);
  info.updated_at = stmt.text(4);
  return info;
}

std::vector<TrialRecord> ResultsStore::trials(const std::string& sweep) {
  Statement stmt = db_.prepare(
      "SELECT t.trial_id, t.config_json, st.position, t.state, t.attempts, t.error, t.diverged, "
      "t.val_accuracy, t.test_accuracy, t.val_loss, t.test_loss, t.train_seconds, "
      "t.device_seconds, t.device, t.device_name, t.trainable_params, t.total_params, "
      "t.train_flops, t.peak_memory_bytes, env.sweep_version, env.torch_version, "
      "env.device_kind, env.cuda_version, env.host, env.os, env.threads, "
      "t.claimed_by, t.started_at, t.finished_at, t.feature_cache, t.precision, t.stopped_epoch, "
      "st.reason "
      "FROM sweep_trials st JOIN sweeps s USING (sweep_id) JOIN trials t USING (trial_id) "
      "LEFT JOIN environments env USING (env_id) WHERE s.name = ?1 ORDER BY st.position");
  stmt.bind(1, sweep);
  std::vector<TrialRecord> out;
  while (stmt.step()) {
    TrialRecord record;
    record.spec = parse_trial(stmt.text(1), stmt.text(0), static_cast<int>(stmt.int64(2)));
    record.state = parse_state(stmt.text(3));
    record.attempts = static_cast<int>(stmt.int64(4));
    record.error = stmt.text(5);
    record.claimed_by = stmt.text(26);
    record.device = stmt.text(13);
    record.started_at = stmt.text(27);
    record.finished_at = stmt.text(28);
    record.reason = stmt.text(32);
    if (record.state == TrialState::kDone || record.state == TrialState::kStopped) {
      TrialResult r;
      r.diverged = stmt.int64(6) != 0;
      r.val_accuracy = stmt.real(7);
      r.test_accuracy = stmt.optional_real(8).value_or(std::nan(""));
      r.val_loss = stmt.optional_real(9).value_or(std::nan(""));
      r.test_loss = stmt.optional_real(10).value_or(std::nan(""));
      r.train_seconds = stmt.real(11);
      r.device_seconds = stmt.real(12);
      r.device = stmt.text(13);
      r.device_name = stmt.text(14);
      r.trainable_params = stmt.int64(15);
      r.total_params = stmt.int64(16);
      r.train_flops = stmt.real(17);
      r.peak_memory_bytes = stmt.int64(18);
      r.frozen_input = parse_frozen(stmt.text(29));
      r.precision = stmt.text(30);
      if (const auto epoch = stmt.optional_real(31)) r.stopped_epoch = static_cast<int>(*epoch);
      r.environment = {stmt.text(19),
                       stmt.text(20),
                       stmt.text(21),
                       stmt.text(22),
                       stmt.text(23),
                       stmt.text(24),
                       static_cast<int>(stmt.int64(25))};
      r.epochs = epochs(record.spec.id);
      record.result = std::move(r);
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<EpochMetrics> ResultsStore::epochs(const std::string& trial_id) {
  Statement stmt = db_.prepare(
      "SELECT epoch, lr, train_loss, train_accuracy, val_loss, val_accuracy, seconds "
      "FROM epochs WHERE trial_id = ?1 ORDER BY epoch");
  stmt.bind(1, trial_id);
  std::vector<EpochMetrics> out;
  while (stmt.step()) {
    const auto value = [&stmt](int column) {
      return stmt.optional_real(column).value_or(std::nan(""));
    };
    out.push_back({static_cast<int>(stmt.int64(0)), stmt.real(1), value(2), value(3), value(4),
                   value(5), stmt.real(6)});
  }
  return out;
}

SweepTiming ResultsStore::timing(const std::string& sweep) {
  Statement stmt = db_.prepare(
      "SELECT julianday(t.started_at) * 86400.0, "
      "julianday(CASE WHEN t.state = 'running' THEN 'now' ELSE t.finished_at END) * 86400.0 "
      "FROM sweep_trials st JOIN sweeps s USING (sweep_id) JOIN trials t USING (trial_id) "
      "WHERE s.name = ?1 AND t.started_at IS NOT NULL ORDER BY 1");
  stmt.bind(1, sweep);
  SweepTiming timing;
  double covered_until = -1.0;  // intervals in start order: add what each adds beyond the last
  while (stmt.step()) {
    const std::optional<double> end = stmt.optional_real(1);
    if (!end) continue;  // started once, released since: no finish to count to
    const double start = std::max(stmt.real(0), covered_until);
    if (*end > start) timing.running_seconds += *end - start;
    covered_until = std::max(covered_until, *end);
  }
  return timing;
}

void ResultsStore::record_measure(const TransferMeasure& m) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO transfer_measures (pretrain_key, target_key, backbone, target, "
         "logme, frechet_distance, source_images, target_images, seconds, probe_key) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, m.pretrain_key)
      .bind(2, m.target_key)
      .bind(3, m.backbone)
      .bind(4, m.target)
      .bind(5, m.logme)
      .bind(6, m.frechet)
      .bind(7, m.source_images)
      .bind(8, m.target_images)
      .bind(9, m.seconds)
      .bind(10, m.probe_key)
      .run();
  db_.prepare("DELETE FROM probe_curve WHERE pretrain_key = ?1 AND target_key = ?2")
      .bind(1, m.pretrain_key)
      .bind(2, m.target_key)
      .run();
  Statement probe = db_.prepare(
      "INSERT INTO probe_curve (pretrain_key, target_key, boundary, block, feature_dim, "
      "val_accuracy, lr, suffix_val_accuracy, logme, seconds, train_accuracy) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (const BoundaryProbe& p : m.curve) {
    probe.bind(1, m.pretrain_key)
        .bind(2, m.target_key)
        .bind(3, p.boundary)
        .bind(4, p.block)
        .bind(5, p.feature_dim)
        .bind(6, p.val_accuracy)
        .bind(7, p.lr)
        .bind(8, p.suffix_val_accuracy)
        .bind(9, p.logme)
        .bind(10, p.seconds)
        .bind(11, p.train_accuracy)
        .run();
    probe.reset();
  }
  Statement skipped = db_.prepare(
      "INSERT OR IGNORE INTO skipped_images (target_key, target, entry) VALUES (?1, ?2, ?3)");
  for (const std::string& entry : m.skipped_images) {
    skipped.bind(1, m.target_key).bind(2, m.target).bind(3, entry).run();
    skipped.reset();
  }
  transaction.commit();
}

std::optional<TransferMeasure> ResultsStore::measure(const std::string& pretrain_key,
                                                     const std::string& target_key) {
  Statement stmt = db_.prepare(
      "SELECT backbone, target, logme, frechet_distance, source_images, target_images, seconds, "
      "probe_key FROM transfer_measures WHERE pretrain_key = ?1 AND target_key = ?2");
  if (!stmt.bind(1, pretrain_key).bind(2, target_key).step()) return std::nullopt;
  std::vector<std::string> skipped;
  Statement files =
      db_.prepare("SELECT entry FROM skipped_images WHERE target_key = ?1 ORDER BY entry");
  files.bind(1, target_key);
  while (files.step()) skipped.push_back(files.text(0));
  std::vector<BoundaryProbe> curve;
  Statement probes = db_.prepare(
      "SELECT boundary, block, feature_dim, val_accuracy, lr, suffix_val_accuracy, logme, "
      "seconds, train_accuracy FROM probe_curve WHERE pretrain_key = ?1 AND target_key = ?2 "
      "ORDER BY boundary");
  probes.bind(1, pretrain_key).bind(2, target_key);
  while (probes.step()) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(probes.int64(0));
    p.block = probes.text(1);
    p.feature_dim = probes.int64(2);
    p.val_accuracy = probes.real(3);
    p.lr = probes.real(4);
    p.suffix_val_accuracy = probes.real(5);
    p.logme = probes.optional_real(6).value_or(std::nan(""));
    p.seconds = probes.real(7);
    p.train_accuracy = probes.optional_real(8).value_or(std::nan(""));
    curve.push_back(p);
  }
  return TransferMeasure{pretrain_key,
                         target_key,
                         stmt.text(0),
                         stmt.text(1),
                         stmt.optional_real(2).value_or(std::nan("")),
                         stmt.optional_real(3).value_or(std::nan("")),
                         static_cast<int>(stmt.int64(4)),
                         static_cast<int>(stmt.int64(5)),
                         stmt.real(6),
                         skipped,
                         curve,
                         stmt.text(7)};
}

void ResultsStore::record_pretrained(const PretrainedRecord& record) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO pretrained (pretrain_key, arch, source, source_accuracy, "
         "train_seconds, weights_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, record.key)
      .bind(2, record.arch)
      .bind(3, record.source)
      .bind(4, record.source_accuracy)
      .bind(5, record.train_seconds)
      .bind(6, record.weights_path)
      .run();
  transaction.commit();
}

std::optional<PretrainedRecord> ResultsStore::pretrained(const std::string& key) {
  Statement stmt = db_.prepare(
      "SELECT pretrain_key, arch, source, source_accuracy, train_seconds, weights_path "
      "FROM pretrained WHERE pretrain_key = ?1");
  if (!stmt.bind(1, key).step()) return std::nullopt;
  return PretrainedRecord{stmt.text(0), stmt.text(1),
                          stmt.text(2), stmt.optional_real(3).value_or(std::nan("")),
                          stmt.real(4), stmt.text(5)};
}

}  // namespace sweep
