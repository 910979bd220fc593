#include "storage/schema.h"

#include <sqlite3.h>

#include <chrono>

#include "core/path_kind.h"

namespace sweep {
namespace {

// Version 3. Trials are keyed by the hash of their configuration and shared by
// every sweep whose grid holds them; sweep_trials says which sweep holds which
// trial, in grid order, and why it runs (the grid, or a seed added where a
// verdict hinged). Version 2 added the stopped state and the columns and tables
// of adaptive replication, successive halving, precision and the probe curve;
// version 3 the probe curve's training-split fit. upgrade_from_1 and upgrade_from_2
// bring older databases here, one version at a time.
const char* kSchemaAroundTrials = R"sql(
CREATE TABLE sweeps (
  sweep_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  source_file TEXT NOT NULL,
  price_per_device_hour REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE environments (
  env_id INTEGER PRIMARY KEY,
  sweep_version TEXT NOT NULL,
  torch_version TEXT NOT NULL,
  device_kind TEXT NOT NULL,
  cuda_version TEXT NOT NULL,
  host TEXT NOT NULL,
  os TEXT NOT NULL,
  threads INTEGER NOT NULL,
  UNIQUE (sweep_version, torch_version, device_kind, cuda_version, host, os, threads)
);

@TRIALS@
CREATE TABLE sweep_trials (
  sweep_id INTEGER NOT NULL REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
  trial_id TEXT NOT NULL REFERENCES trials (trial_id),
  position INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT 'grid',
  PRIMARY KEY (sweep_id, trial_id)
);
CREATE INDEX sweep_trials_by_position ON sweep_trials (sweep_id, position);

CREATE TABLE epochs (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  lr REAL NOT NULL,
  train_loss REAL,
  train_accuracy REAL,
  val_loss REAL,
  val_accuracy REAL,
  seconds REAL NOT NULL,
  PRIMARY KEY (trial_id, epoch)
);

CREATE TABLE pretrained (
  pretrain_key TEXT PRIMARY KEY,
  arch TEXT NOT NULL,
  source TEXT NOT NULL,
  source_accuracy REAL,
  train_seconds REAL NOT NULL,
  weights_path TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE transfer_measures (
  pretrain_key TEXT NOT NULL,
  target_key TEXT NOT NULL,
  backbone TEXT NOT NULL,
  target TEXT NOT NULL,
  logme REAL,
  frechet_distance REAL,
  source_images INTEGER NOT NULL,
  target_images INTEGER NOT NULL,
  seconds REAL NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  probe_key TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (pretrain_key, target_key)
);

CREATE TABLE skipped_images (
  target_key TEXT NOT NULL,
  target TEXT NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (target_key, entry)
);

-- Job arrays submitted to Slurm by `sweep submit --slurm`. Their tasks never
-- write this database: each publishes its own results database (a shard) into
-- `folder` under the database's shards folder (DB.shards/), which `sweep merge`
-- folds in.
CREATE TABLE slurm_submissions (
  submission_id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  folder TEXT NOT NULL UNIQUE,
  tasks INTEGER NOT NULL,
  trials INTEGER NOT NULL,
  submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
)sql";

// The trials table under `name`: the schema creates it as "trials", the
// upgrade from version 1 as a copy it then renames.
std::string trials_table(const std::string& name) {
  return "CREATE TABLE " + name + R"sql( (
  trial_id TEXT PRIMARY KEY,
  config_json TEXT NOT NULL,
  backbone TEXT NOT NULL,
  pretrain_key TEXT NOT NULL,
  target TEXT NOT NULL,
  similarity TEXT NOT NULL,
  unfrozen INTEGER NOT NULL,
  blocks INTEGER NOT NULL,
  lr REAL NOT NULL,
  seed INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'done', 'failed', 'stopped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  diverged INTEGER,
  val_accuracy REAL,
  test_accuracy REAL,
  val_loss REAL,
  test_loss REAL,
  train_seconds REAL,
  device_seconds REAL,
  device TEXT,
  device_name TEXT,
  trainable_params INTEGER,
  total_params INTEGER,
  train_flops REAL,
  peak_memory_bytes INTEGER,
  feature_cache TEXT,
  precision TEXT,
  stopped_epoch INTEGER,
  env_id INTEGER REFERENCES environments (env_id),
  claimed_by TEXT,
  claim_host TEXT,
  claim_pid INTEGER,
  heartbeat_at REAL,
  started_at TEXT,
  finished_at TEXT
);

)sql";
}

// Tables version 2 added beside version 1's.
const char* kTablesOfVersion2 = R"sql(
-- The probe curve measured before training: per backbone, target and block
-- boundary, a converged linear probe's validation accuracy there, and from there
-- to the last boundary (their features side by side), and LogME.
CREATE TABLE probe_curve (
  pretrain_key TEXT NOT NULL,
  target_key TEXT NOT NULL,
  boundary INTEGER NOT NULL,
  block TEXT NOT NULL,
  feature_dim INTEGER NOT NULL,
  val_accuracy REAL NOT NULL,
  lr REAL NOT NULL,
  suffix_val_accuracy REAL NOT NULL,
  logme REAL,
  seconds REAL NOT NULL,
  PRIMARY KEY (pretrain_key, target_key, boundary),
  FOREIGN KEY (pretrain_key, target_key) REFERENCES transfer_measures ON DELETE CASCADE
);

-- Successive halving: a trial's validation accuracy at a rung and what was
-- decided there, so every runner compares with the same siblings.
CREATE TABLE rungs (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  val_accuracy REAL NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('continue', 'stop')),
  PRIMARY KEY (trial_id, epoch)
);
)sql";

// What version 3 changed in version 2's tables.
const char* kChangesOfVersion3 = R"sql(
ALTER TABLE probe_curve ADD COLUMN train_accuracy REAL;
)sql";

const char* kDropViews = R"sql(
DROP VIEW IF EXISTS results;
DROP VIEW IF EXISTS curves;
DROP VIEW IF EXISTS trial_environment;
DROP VIEW IF EXISTS probe_curves;
)sql";

const char* kViews = R"sql(
CREATE VIEW results AS
SELECT s.name AS sweep, t.trial_id, t.backbone, t.target, t.similarity, t.unfrozen, t.blocks,
       CASE
         WHEN json_type(t.config_json, '$.strategy.blocks') IS NOT NULL
           THEN 'range ' || json_extract(t.config_json, '$.strategy.blocks[0]') || '-' ||
                json_extract(t.config_json, '$.strategy.blocks[1]') ||
                CASE WHEN json_extract(t.config_json, '$.strategy.from_probe') THEN ' from probe'
                     ELSE '' END
         WHEN json_type(t.config_json, '$.strategy.lp_ft') IS NOT NULL THEN 'lp-ft'
         WHEN json_type(t.config_json, '$.strategy.layer_decay') IS NOT NULL
           THEN 'layer-decay ' || json_extract(t.config_json, '$.strategy.layer_decay')
         ELSE 'trailing'
       END AS strategy,
       t.lr, t.seed, t.state, t.attempts, t.diverged, t.val_accuracy, t.test_accuracy,
       t.train_seconds, t.device_seconds, t.device, t.trainable_params, t.total_params,
       t.train_flops, t.peak_memory_bytes, t.feature_cache, t.precision, t.stopped_epoch,
       t.device_seconds / 3600.0 * s.price_per_device_hour AS cost,
       t.error, st.position, st.reason, t.finished_at
FROM sweep_trials st
JOIN sweeps s USING (sweep_id)
JOIN trials t USING (trial_id);

CREATE VIEW curves AS
SELECT s.name AS sweep, t.trial_id, t.backbone, t.target, t.unfrozen, t.lr, t.seed,
       e.epoch, e.lr AS epoch_lr, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy,
       e.seconds
FROM sweep_trials st
JOIN sweeps s USING (sweep_id)
JOIN trials t USING (trial_id)
JOIN epochs e USING (trial_id);

CREATE VIEW trial_environment AS
SELECT t.trial_id, t.device, t.device_name, env.*
FROM trials t JOIN environments env USING (env_id);

CREATE VIEW probe_curves AS
SELECT m.backbone, m.target, p.boundary, p.block, p.feature_dim, p.val_accuracy, p.lr,
       p.suffix_val_accuracy, p.train_accuracy, p.logme, p.seconds, m.pretrain_key,
       m.target_key
FROM probe_curve p JOIN transfer_measures m USING (pretrain_key, target_key);
)sql";

std::string full_schema() {
  std::string schema = kSchemaAroundTrials;
  const size_t at = schema.find("@TRIALS@");
  return schema.replace(at, 8, trials_table("trials")) + kTablesOfVersion2 + kChangesOfVersion3 +
         kViews;
}

int pragma_int(Database& db, const char* pragma) {
  Statement stmt = db.prepare(std::string("PRAGMA ") + pragma);
  return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
}

// Version 1 -> 2, in one transaction: the trials table is rebuilt, since a
// column's CHECK cannot be altered in place (the stopped state); the views are
// dropped, for upgrade_from_2 to make anew. The caller has foreign keys off.
void upgrade_from_1(Database& db) {
  const char* v1_columns =
      "trial_id, config_json, backbone, pretrain_key, target, similarity, unfrozen, blocks, lr, "
      "seed, state, attempts, error, diverged, val_accuracy, test_accuracy, val_loss, test_loss, "
      "train_seconds, device_seconds, device, device_name, trainable_params, total_params, "
      "train_flops, peak_memory_bytes, feature_cache, env_id, claimed_by, claim_host, claim_pid, "
      "heartbeat_at, started_at, finished_at";
  Transaction transaction(db);
  if (pragma_int(db, "user_version") != 1) return;  // another runner upgraded it meanwhile
  db.exec(kDropViews);
  db.exec(trials_table("trials_v2"));
  db.exec(std::string("INSERT INTO trials_v2 (") + v1_columns + ") SELECT " + v1_columns +
          " FROM trials");
  db.exec("DROP TABLE trials; ALTER TABLE trials_v2 RENAME TO trials;");
  db.exec("ALTER TABLE sweep_trials ADD COLUMN reason TEXT NOT NULL DEFAULT 'grid'");
  db.exec("ALTER TABLE transfer_measures ADD COLUMN probe_key TEXT NOT NULL DEFAULT ''");
  db.exec(kTablesOfVersion2);
  db.exec("PRAGMA user_version = 2");
  transaction.commit();
}

// Version 2 -> 3, in one transaction; the views are made anew over the tables.
void upgrade_from_2(Database& db) {
  Transaction transaction(db);
  if (pragma_int(db, "user_version") != 2) return;  // another runner upgraded it meanwhile
  db.exec(kDropViews);
  db.exec(kChangesOfVersion3);
  db.exec(kViews);
  db.exec("PRAGMA user_version = 3");
  transaction.commit();
}

// Version 3 -> 4: the results view names each trial's strategy.
void upgrade_from_3(Database& db) {
  Transaction transaction(db);
  if (pragma_int(db, "user_version") != 3) return;  // another runner upgraded it meanwhile
  db.exec(kDropViews);
  db.exec(kViews);
  db.exec("PRAGMA user_version = 4");
  transaction.commit();
}

bool has_tables(Database& db) {
  Statement stmt = db.prepare("SELECT count(*) FROM sqlite_master");
  return stmt.step() && stmt.int64(0) > 0;
}

// The schema version of an existing results database, 0 for a fresh, empty
// one; throws for one that is not ours or that this sweep cannot read.
std::string damaged(const std::string& path, const std::string& sqlite_says) {
  return path + ": the results database is damaged (" + sqlite_says +
         "); restore it from a copy, salvage what SQLite can still read with `sqlite3 " + path +
         " .recover | sqlite3 recovered.db`, or start a new database with --db";
}

// Damage in pages the header checks never read shows here, before anything is
// read or written. Reads the whole file once (quick_check skips the indexes'
// contents): milliseconds for a study's database.
void check_integrity(Database& db, const std::string& path) {
  try {
    Statement check = db.prepare("PRAGMA quick_check(1)");
    if (check.step() && check.text(0) != "ok") throw InputError(damaged(path, check.text(0)));
  } catch (const SqliteError& e) {
    if (e.code() != SQLITE_CORRUPT) throw;
    throw InputError(damaged(path, sqlite3_errstr(e.code())));
  }
}

int check_existing(Database& db, const std::string& path) {
  int application_id = 0;
  int version = 0;
  bool tables = false;
  try {
    // One snapshot: another process may be creating the schema right now.
    retry_while_busy([&] {
      db.exec("BEGIN");
      try {
        application_id = pragma_int(db, "application_id");
        version = pragma_int(db, "user_version");
        tables = has_tables(db);
        db.exec("COMMIT");
      } catch (const SqliteError&) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    });
  } catch (const SqliteError& e) {
    if (e.code() == SQLITE_NOTADB) {
      throw InputError(path +
                       ": not a SQLite database; pass --db with a sweep results database "
                       "or a new file name");
    }
    if (e.code() == SQLITE_CORRUPT) throw InputError(damaged(path, sqlite3_errstr(e.code())));
    throw;
  }
  if (application_id == 0 && !tables) return 0;
  if (application_id != kApplicationId) {
    throw InputError(path +
                     ": a SQLite database, but not a sweep results database; pass --db "
                     "with a sweep results database or a new file name");
  }
  if (version > kSchemaVersion) {
    throw InputError(path + ": results database schema version " + std::to_string(version) +
                     " is newer than this sweep reads (" + std::to_string(kSchemaVersion) +
                     "); use a newer sweep");
  }
  if (version < 1) {
    throw InputError(path + ": results database schema version " + std::to_string(version) +
                     " is older than this sweep reads (" + std::to_string(kSchemaVersion) +
                     ") and cannot be upgraded; start a new database with --db");
  }
  check_integrity(db, path);
  return version;
}

void create_schema(Database& db) {
  Transaction transaction(db);
  // Another process may have created it since we looked.
  if (pragma_int(db, "user_version") == 0) {
    db.exec(full_schema());
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  }
  transaction.commit();
}

}  // namespace

Database open_results_database(const std::string& path, Access access) {
  const PathKind kind = path_kind(path);
  if (kind == PathKind::kFolder) {
    throw InputError(path + ": is a folder; pass --db with a database file name");
  }
  if (access != Access::kReadWrite && kind == PathKind::kMissing) {
    throw InputError(path + ": no results database; run `sweep run FILE` first, or pass --db");
  }
  std::optional<Database> opened;
  try {
    opened.emplace(path, access == Access::kReadOnly    ? Database::Mode::kReadOnly
                         : access == Access::kImmutable ? Database::Mode::kImmutable
                                                        : Database::Mode::kReadWriteCreate);
  } catch (const SqliteError& e) {
    throw InputError(path + ": cannot open or create the results database (" + e.reason() +
                     "); check that the folder exists and is writable");
  }
  Database& db = *opened;
  // A busy database waits rather than fails; see ResultsStore for the write policy.
  db.set_busy_wait(std::chrono::minutes(1));
  const int version = check_existing(db, path);
  if (version == 0 && access != Access::kReadWrite) {
    throw InputError(path + ": holds no results yet (an empty database); `sweep run FILE --db " +
                     path + "` makes it a results database");
  }
  if (version != 0 && version < kSchemaVersion && access != Access::kReadWrite) {
    throw InputError(path + ": results database schema version " + std::to_string(version) +
                     " is older than this sweep reads (" + std::to_string(kSchemaVersion) +
                     "); `sweep run FILE --db " + path +
                     "` upgrades it in place (and runs nothing that is done)");
  }
  if (access != Access::kReadWrite) return std::move(*opened);
  if (sqlite3_db_readonly(db.handle(), "main") == 1) {
    throw InputError(path + ": the results database is read-only; check its permissions");
  }
  try {
    retry_while_busy([&] {
      if (version == 0) create_schema(db);
      // Foreign keys stay off until the upgrade has rebuilt the trials table.
      if (version != 0 && pragma_int(db, "user_version") == 1) upgrade_from_1(db);
      if (version != 0 && pragma_int(db, "user_version") == 2) upgrade_from_2(db);
      if (version != 0 && pragma_int(db, "user_version") == 3) upgrade_from_3(db);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA foreign_keys = ON");
    });
  } catch (const SqliteError& e) {
    if (e.code() == SQLITE_READONLY || e.code() == SQLITE_CANTOPEN || e.code() == SQLITE_IOERR) {
      throw InputError(path + ": cannot write the results database (" + e.reason() +
                       "); check that the folder is writable");
    }
    throw;
  }
  return std::move(*opened);
}

const std::vector<ViewDoc>& documented_views() {
  static const std::vector<ViewDoc> views = {
      {"results", "one row per trial of each sweep: configuration, state, accuracies, cost"},
      {"curves", "one row per trial and epoch: learning rate, losses, accuracies"},
      {"trial_environment", "where each trial ran: device, versions, host"},
      {"probe_curves",
       "per backbone, target and block boundary, before training: a linear probe's validation "
       "accuracy on the pooled features and from there on, its training-split accuracy, LogME"},
  };
  return views;
}

}  // namespace sweep
