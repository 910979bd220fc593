#include "storage/trial_rows.h"

#include <cmath>

#include "core/identity.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

// The columns read_trials reads, in this order: the SELECT is built from
// kColumns, so a column's number is its name here.
enum Column {
  kTrialId,
  kConfig,
  kPosition,
  kReason,
  kState,
  kAttempts,
  kError,
  kClaimedBy,
  kDevice,
  kStartedAt,
  kFinishedAt,
  kDiverged,
  kValAccuracy,
  kTestAccuracy,
  kValLoss,
  kTestLoss,
  kTrainSeconds,
  kDeviceSeconds,
  kDeviceName,
  kTrainableParams,
  kTotalParams,
  kTrainFlops,
  kPeakMemoryBytes,
  kFeatureCache,
  kPrecision,
  kStoppedEpoch,
  kSweepVersion,
  kTorchVersion,
  kDeviceKind,
  kCudaVersion,
  kHost,
  kOs,
  kThreads,
  kColumnCount,
};

const char* const kColumns[kColumnCount] = {
    "t.trial_id",
    "t.config_json",
    "st.position",
    "st.reason",
    "t.state",
    "t.attempts",
    "t.error",
    "t.claimed_by",
    "t.device",
    "t.started_at",
    "t.finished_at",
    "t.diverged",
    "t.val_accuracy",
    "t.test_accuracy",
    "t.val_loss",
    "t.test_loss",
    "t.train_seconds",
    "t.device_seconds",
    "t.device_name",
    "t.trainable_params",
    "t.total_params",
    "t.train_flops",
    "t.peak_memory_bytes",
    "t.feature_cache",
    "t.precision",
    "t.stopped_epoch",
    "env.sweep_version",
    "env.torch_version",
    "env.device_kind",
    "env.cuda_version",
    "env.host",
    "env.os",
    "env.threads",
};

std::string select_trials() {
  std::string sql = "SELECT ";
  for (int c = 0; c < kColumnCount; ++c) sql += std::string(c ? ", " : "") + kColumns[c];
  return sql +
         " FROM sweep_trials st JOIN sweeps s USING (sweep_id) JOIN trials t USING (trial_id) "
         "LEFT JOIN environments env USING (env_id) WHERE s.name = :sweep ORDER BY st.position";
}

TrialState parse_state(const std::string& text) {
  if (const auto state = parse_trial_state(text)) return *state;
  throw RuntimeError("results database: unknown trial state \"" + text + "\"");
}

FrozenInput parse_frozen(const std::string& text) {
  if (const auto input = parse_frozen_input(text)) return *input;
  throw RuntimeError("results database: unknown feature_cache \"" + text + "\"");
}

double real_or_nan(const Statement& row, int column) {
  return row.optional_real(column).value_or(std::nan(""));
}

TrialResult read_result(const Statement& row) {
  TrialResult r;
  r.diverged = row.int64(kDiverged) != 0;
  r.val_accuracy = row.real(kValAccuracy);
  r.test_accuracy = real_or_nan(row, kTestAccuracy);
  r.val_loss = real_or_nan(row, kValLoss);
  r.test_loss = real_or_nan(row, kTestLoss);
  r.train_seconds = row.real(kTrainSeconds);
  r.device_seconds = row.real(kDeviceSeconds);
  r.device = row.text(kDevice);
  r.device_name = row.text(kDeviceName);
  r.trainable_params = row.int64(kTrainableParams);
  r.total_params = row.int64(kTotalParams);
  r.train_flops = row.real(kTrainFlops);
  r.peak_memory_bytes = row.int64(kPeakMemoryBytes);
  r.frozen_input = parse_frozen(row.text(kFeatureCache));
  r.precision = row.text(kPrecision);
  if (const auto epoch = row.optional_real(kStoppedEpoch))
    r.stopped_epoch = static_cast<int>(*epoch);
  r.environment = {row.text(kSweepVersion),
                   row.text(kTorchVersion),
                   row.text(kDeviceKind),
                   row.text(kCudaVersion),
                   row.text(kHost),
                   row.text(kOs),
                   static_cast<int>(row.int64(kThreads))};
  return r;
}

TrialRecord read_record(const Statement& row) {
  TrialRecord record;
  record.spec =
      parse_trial(row.text(kConfig), row.text(kTrialId), static_cast<int>(row.int64(kPosition)));
  record.state = parse_state(row.text(kState));
  record.attempts = static_cast<int>(row.int64(kAttempts));
  record.error = row.text(kError);
  record.claimed_by = row.text(kClaimedBy);
  record.device = row.text(kDevice);
  record.started_at = row.text(kStartedAt);
  record.finished_at = row.text(kFinishedAt);
  record.reason = row.text(kReason);
  if (record.state == TrialState::kDone || record.state == TrialState::kStopped)
    record.result = read_result(row);
  return record;
}

// The environment's row, added when new; its id.
int64_t environment_id(Database& db, const Environment& env) {
  const auto bind = [&env](Statement& stmt) -> Statement& {
    return stmt.bind(stmt.parameter(":sweep_version"), env.sweep_version)
        .bind(stmt.parameter(":torch_version"), env.torch_version)
        .bind(stmt.parameter(":device_kind"), env.device_kind)
        .bind(stmt.parameter(":cuda_version"), env.cuda_version)
        .bind(stmt.parameter(":host"), env.host)
        .bind(stmt.parameter(":os"), env.os)
        .bind(stmt.parameter(":threads"), env.threads);
  };
  Statement insert = db.prepare(
      "INSERT OR IGNORE INTO environments (sweep_version, torch_version, device_kind, "
      "cuda_version, host, os, threads) VALUES (:sweep_version, :torch_version, :device_kind, "
      ":cuda_version, :host, :os, :threads)");
  bind(insert).run();
  Statement find = db.prepare(
      "SELECT env_id FROM environments WHERE sweep_version = :sweep_version AND torch_version = "
      ":torch_version AND device_kind = :device_kind AND cuda_version = :cuda_version AND "
      "host = :host AND os = :os AND threads = :threads");
  bind(find).step();
  return find.int64(0);
}

void write_epochs(Database& db, const std::string& trial_id,
                  const std::vector<EpochMetrics>& epochs) {
  db.prepare("DELETE FROM epochs WHERE trial_id = ?1").bind(1, trial_id).run();
  Statement insert = db.prepare(
      "INSERT INTO epochs (trial_id, epoch, lr, train_loss, train_accuracy, val_loss, "
      "val_accuracy, seconds) VALUES (:trial_id, :epoch, :lr, :train_loss, :train_accuracy, "
      ":val_loss, :val_accuracy, :seconds)");
  for (const EpochMetrics& e : epochs) {
    insert.bind(insert.parameter(":trial_id"), trial_id)
        .bind(insert.parameter(":epoch"), e.epoch)
        .bind(insert.parameter(":lr"), e.lr)
        .bind(insert.parameter(":train_loss"), e.train_loss)
        .bind(insert.parameter(":train_accuracy"), e.train_accuracy)
        .bind(insert.parameter(":val_loss"), e.val_loss)
        .bind(insert.parameter(":val_accuracy"), e.val_accuracy)
        .bind(insert.parameter(":seconds"), e.seconds)
        .run();
    insert.reset();
  }
}

// What a trial is, as its row holds it: its id, canonical configuration and
// pretrain key.
Statement& bind_configuration(Statement& statement, const TrialSpec& trial) {
  return statement.bind(statement.parameter(":trial_id"), trial.id)
      .bind(statement.parameter(":config_json"), to_json(trial).dump())
      .bind(statement.parameter(":pretrain_key"), pretrain_key(trial.backbone));
}

}  // namespace

bool insert_trial(Database& db, const TrialSpec& trial) {
  Statement insert = db.prepare(
      "INSERT OR IGNORE INTO trials (trial_id, config_json, backbone, pretrain_key, target, "
      "similarity, unfrozen, blocks, lr, seed) VALUES (:trial_id, :config_json, :backbone, "
      ":pretrain_key, :target, :similarity, :unfrozen, :blocks, :lr, :seed)");
  bind_configuration(insert, trial)
      .bind(insert.parameter(":backbone"), trial.backbone.name)
      .bind(insert.parameter(":target"), trial.target.name)
      .bind(insert.parameter(":similarity"), trial.target.similarity)
      .bind(insert.parameter(":unfrozen"), trial.unfrozen)
      .bind(insert.parameter(":blocks"), trial.blocks)
      .bind(insert.parameter(":lr"), trial.lr)
      .bind(insert.parameter(":seed"), trial.seed)
      .run();
  return db.changes() > 0;
}

void refresh_trial(Database& db, const TrialSpec& trial) {
  Statement update = db.prepare(
      "UPDATE trials SET config_json = :config_json, pretrain_key = :pretrain_key "
      "WHERE trial_id = :trial_id AND (config_json != :config_json OR "
      "pretrain_key != :pretrain_key)");
  bind_configuration(update, trial).run();
}

bool write_result(Database& db, const std::string& trial_id, const std::string& claimed_by,
                  const TrialResult& r) {
  const int64_t env = environment_id(db, r.environment);
  Statement update = db.prepare(
      std::string("UPDATE trials SET state = :state, error = NULL, claimed_by = NULL, "
                  "claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL, "
                  "diverged = :diverged, val_accuracy = :val_accuracy, "
                  "test_accuracy = :test_accuracy, val_loss = :val_loss, test_loss = :test_loss, "
                  "train_seconds = :train_seconds, device_seconds = :device_seconds, "
                  "device = :device, device_name = :device_name, "
                  "trainable_params = :trainable_params, total_params = :total_params, "
                  "train_flops = :train_flops, peak_memory_bytes = :peak_memory_bytes, "
                  "env_id = :env_id, feature_cache = :feature_cache, precision = :precision, "
                  "stopped_epoch = :stopped_epoch, finished_at = ") +
      kSqlNow + " WHERE trial_id = :trial_id AND state = 'running' AND claimed_by = :claimed_by");
  update.bind(update.parameter(":trial_id"), trial_id)
      .bind(update.parameter(":claimed_by"), claimed_by)
      .bind(update.parameter(":state"), r.stopped_epoch ? "stopped" : "done")
      .bind(update.parameter(":diverged"), r.diverged ? 1 : 0)
      .bind(update.parameter(":val_accuracy"), r.val_accuracy)
      .bind(update.parameter(":test_accuracy"), r.test_accuracy)
      .bind(update.parameter(":val_loss"), r.val_loss)
      .bind(update.parameter(":test_loss"), r.test_loss)
      .bind(update.parameter(":train_seconds"), r.train_seconds)
      .bind(update.parameter(":device_seconds"), r.device_seconds)
      .bind(update.parameter(":device"), r.device)
      .bind(update.parameter(":device_name"), r.device_name)
      .bind(update.parameter(":trainable_params"), r.trainable_params)
      .bind(update.parameter(":total_params"), r.total_params)
      .bind(update.parameter(":train_flops"), r.train_flops)
      .bind(update.parameter(":peak_memory_bytes"), r.peak_memory_bytes)
      .bind(update.parameter(":env_id"), env)
      .bind(update.parameter(":feature_cache"), frozen_input_name(r.frozen_input))
      .bind(update.parameter(":precision"), r.precision)
      .bind(update.parameter(":stopped_epoch"), r.stopped_epoch)
      .run();
  if (db.changes() == 0) return false;
  write_epochs(db, trial_id, r.epochs);
  return true;
}

TrialSpec parse_trial(const std::string& config, const std::string& id, int position) {
  Diagnostics diag("results database, trial " + id);
  TrialSpec spec = read_trial(json::parse(config), diag);
  if (!diag.ok()) throw RuntimeError(diag.messages().front());
  spec.id = id;
  spec.position = position;
  return spec;
}

std::vector<TrialRecord> read_trials(Database& db, const std::string& sweep) {
  Statement rows = db.prepare(select_trials());
  rows.bind(rows.parameter(":sweep"), sweep);
  std::vector<TrialRecord> out;
  while (rows.step()) {
    TrialRecord record = read_record(rows);
    if (record.result) record.result->epochs = read_epochs(db, record.spec.id);
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<EpochMetrics> read_epochs(Database& db, const std::string& trial_id) {
  Statement stmt = db.prepare(
      "SELECT epoch, lr, train_loss, train_accuracy, val_loss, val_accuracy, seconds "
      "FROM epochs WHERE trial_id = ?1 ORDER BY epoch");
  stmt.bind(1, trial_id);
  std::vector<EpochMetrics> out;
  while (stmt.step()) {
    out.push_back({static_cast<int>(stmt.int64(0)), stmt.real(1), real_or_nan(stmt, 2),
                   real_or_nan(stmt, 3), real_or_nan(stmt, 4), real_or_nan(stmt, 5), stmt.real(6)});
  }
  return out;
}

}  // namespace sweep
