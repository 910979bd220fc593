#include "storage/sweep_registry.h"

#include <algorithm>
#include <set>

#include "core/identity.h"
#include "core/spec_json.h"
#include "storage/trial_rows.h"

namespace sweep {

using nlohmann::json;

Registration SweepRegistry::register_sweep(const SweepSpec& spec,
                                           const std::vector<TrialSpec>& trials,
                                           const std::string& source_file) {
  Transaction transaction(db_);
  db_.prepare(
         std::string("INSERT INTO sweeps (name, spec_json, source_file, price_per_device_hour) "
                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET "
                     "spec_json = ?2, source_file = ?3, price_per_device_hour = ?4, "
                     "updated_at = ") +
         kSqlNow)
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
  Statement link = db_.prepare(
      "INSERT INTO sweep_trials (sweep_id, trial_id, position) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (sweep_id, trial_id) DO UPDATE SET position = ?3, reason = 'grid'");
  for (const TrialSpec& trial : trials) {
    if (insert_trial(db_, trial)) {
      ++registration.added;
    } else {
      refresh_trial(db_, trial);
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

void SweepRegistry::prune_added(int64_t sweep_id, const SweepSpec& spec,
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

int SweepRegistry::add_trials(const std::string& sweep, const std::vector<AddedTrial>& trials) {
  Transaction transaction(db_);
  Statement find = db_.prepare(
      "SELECT s.sweep_id, coalesce(max(st.position), -1) FROM sweeps s "
      "LEFT JOIN sweep_trials st USING (sweep_id) WHERE s.name = ?1");
  if (!find.bind(1, sweep).step() || find.optional_real(0) == std::nullopt) return 0;
  const int64_t sweep_id = find.int64(0);
  int64_t position = find.int64(1);
  Statement link = db_.prepare(
      "INSERT OR IGNORE INTO sweep_trials (sweep_id, trial_id, position, reason) "
      "VALUES (?1, ?2, ?3, ?4)");
  int added = 0;
  for (const AddedTrial& t : trials) {
    insert_trial(db_, t.spec);
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

std::vector<std::string> SweepRegistry::sweep_names() {
  std::vector<std::string> names;
  Statement stmt = db_.prepare("SELECT name FROM sweeps ORDER BY created_at, sweep_id");
  while (stmt.step()) names.push_back(stmt.text(0));
  return names;
}

std::optional<SweepInfo> SweepRegistry::sweep(const std::string& name) {
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

SweepTiming SweepRegistry::timing(const std::string& sweep) {
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

std::vector<TrialRecord> SweepRegistry::trials(const std::string& sweep) {
  return read_trials(db_, sweep);
}

}  // namespace sweep
