#include "storage/shard_merge.h"

#include <optional>
#include <string>
#include <vector>

namespace sweep {
namespace {

// Columns copied as they are from a shard's finished trial; ?5.. in kUpdate.
const char* kResultColumns =
    "diverged, val_accuracy, test_accuracy, val_loss, test_loss, train_seconds, device_seconds, "
    "device, device_name, trainable_params, total_params, train_flops, peak_memory_bytes, "
    "feature_cache, started_at, finished_at, precision, stopped_epoch";
constexpr int kResultCount = 18;
const char* kConfigColumns =
    "trial_id, config_json, backbone, pretrain_key, target, similarity, unfrozen, blocks, lr, seed";
constexpr int kConfigCount = 10;
const char* kEnvironmentColumns =
    "sweep_version, torch_version, device_kind, cuda_version, host, os, threads";

TrialState parse_state(const std::string& text) {
  if (const auto state = parse_trial_state(text)) return *state;
  throw RuntimeError("results database: unknown trial state \"" + text + "\"");
}

class Merger {
 public:
  Merger(Database& main, Database& shard) : main_(main), shard_(shard) {}

  MergeCount run() {
    copy_side_tables();
    Statement rows = shard_.prepare(std::string("SELECT state, attempts, error, env_id, ") +
                                    kResultColumns + ", " + kConfigColumns + " FROM trials");
    while (rows.step()) merge_trial(rows);
    // Rung decisions refer to their trials, which are all here now.
    copy_rows("rungs", {"trial_id", "epoch", "val_accuracy", "decision"});
    return count_;
  }

 private:
  static constexpr int kFirstResult = 4;
  static constexpr int kFirstConfig = kFirstResult + kResultCount;

  void merge_trial(const Statement& row) {
    const TrialProgress incoming{parse_state(row.text(0)), static_cast<int>(row.int64(1))};
    const bool result =
        incoming.state == TrialState::kDone || incoming.state == TrialState::kStopped;
    if (!result && incoming.state != TrialState::kFailed) {
      ++count_.unfinished;
      return;
    }
    const std::string id = row.text(kFirstConfig);
    const std::optional<TrialProgress> current = lookup(id);
    if (current && !supersedes(incoming, *current)) {
      ++count_.unchanged;
      return;
    }
    if (!current) insert_config(row);
    update(row, result ? map_environment(row) : std::nullopt);
    if (result) {
      copy_epochs(id);
      ++count_.done;
    } else {
      ++count_.failed;
    }
  }

  std::optional<TrialProgress> lookup(const std::string& id) {
    Statement stmt = main_.prepare("SELECT state, attempts FROM trials WHERE trial_id = ?1");
    if (!stmt.bind(1, id).step()) return std::nullopt;
    return TrialProgress{parse_state(stmt.text(0)), static_cast<int>(stmt.int64(1))};
  }

  void insert_config(const Statement& row) {
    Statement insert = main_.prepare(std::string("INSERT INTO trials (") + kConfigColumns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    for (int i = 0; i < kConfigCount; ++i) insert.bind_column(i + 1, row, kFirstConfig + i);
    insert.run();
  }

  void update(const Statement& row, std::optional<int64_t> env_id) {
    Statement stmt = main_.prepare(
        "UPDATE trials SET state = ?2, attempts = max(attempts, ?3), error = ?4, "
        "diverged = ?5, val_accuracy = ?6, test_accuracy = ?7, val_loss = ?8, test_loss = ?9, "
        "train_seconds = ?10, device_seconds = ?11, device = ?12, device_name = ?13, "
        "trainable_params = ?14, total_params = ?15, train_flops = ?16, "
        "peak_memory_bytes = ?17, feature_cache = ?18, started_at = ?19, finished_at = ?20, "
        "precision = ?21, stopped_epoch = ?22, env_id = ?23, "
        "claimed_by = NULL, claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL "
        "WHERE trial_id = ?1");
    stmt.bind_column(1, row, kFirstConfig);
    stmt.bind_column(2, row, 0).bind_column(3, row, 1).bind_column(4, row, 2);
    for (int i = 0; i < kResultCount; ++i) stmt.bind_column(5 + i, row, kFirstResult + i);
    stmt.bind(23, env_id);
    stmt.run();
  }

  // The main database's id of the shard's environment row, added when new.
  std::optional<int64_t> map_environment(const Statement& row) {
    if (row.is_null(3)) return std::nullopt;
    Statement env = shard_.prepare(std::string("SELECT ") + kEnvironmentColumns +
                                   " FROM environments WHERE env_id = ?1");
    if (!env.bind(1, row.int64(3)).step()) return std::nullopt;
    Statement insert = main_.prepare(std::string("INSERT OR IGNORE INTO environments (") +
                                     kEnvironmentColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (int i = 0; i < 7; ++i) insert.bind_column(i + 1, env, i);
    insert.run();
    Statement find = main_.prepare(
        "SELECT env_id FROM environments WHERE sweep_version = ?1 AND torch_version = ?2 AND "
        "device_kind = ?3 AND cuda_version = ?4 AND host = ?5 AND os = ?6 AND threads = ?7");
    for (int i = 0; i < 7; ++i) find.bind_column(i + 1, env, i);
    find.step();
    return find.int64(0);
  }

  void copy_epochs(const std::string& id) {
    main_.prepare("DELETE FROM epochs WHERE trial_id = ?1").bind(1, id).run();
    const char* columns =
        "trial_id, epoch, lr, train_loss, train_accuracy, val_loss, val_accuracy, seconds";
    Statement rows =
        shard_.prepare(std::string("SELECT ") + columns + " FROM epochs WHERE trial_id = ?1");
    rows.bind(1, id);
    Statement insert = main_.prepare(std::string("INSERT INTO epochs (") + columns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    while (rows.step()) {
      for (int i = 0; i < 8; ++i) insert.bind_column(i + 1, rows, i);
      insert.run();
      insert.reset();
    }
  }

  // Pretraining records the main database lacks (the report shows them).
  // What a task learnt besides trial results: pretrained backbones, transfer
  // measures and probe curves, skipped images (rung decisions follow the trials). Rows are keyed by
  // content, so the first copy wins.
  void copy_side_tables() {
    copy_rows("pretrained", {"pretrain_key", "arch", "source", "source_accuracy", "train_seconds",
                             "weights_path", "created_at"});
    copy_rows("transfer_measures",
              {"pretrain_key", "target_key", "backbone", "target", "logme", "frechet_distance",
               "source_images", "target_images", "seconds", "created_at", "probe_key"});
    copy_rows("probe_curve",
              {"pretrain_key", "target_key", "boundary", "block", "feature_dim", "val_accuracy",
               "lr", "suffix_val_accuracy", "logme", "seconds", "train_accuracy"});
    copy_rows("skipped_images", {"target_key", "target", "entry"});
  }

  void copy_rows(const std::string& table, const std::vector<std::string>& columns) {
    std::string names, slots;
    for (size_t i = 0; i < columns.size(); ++i) {
      names += (i ? ", " : "") + columns[i];
      slots += (i ? ", ?" : "?") + std::to_string(i + 1);
    }
    Statement rows = shard_.prepare("SELECT " + names + " FROM " + table);
    Statement insert =
        main_.prepare("INSERT OR IGNORE INTO " + table + " (" + names + ") VALUES (" + slots + ")");
    while (rows.step()) {
      for (size_t i = 0; i < columns.size(); ++i) {
        insert.bind_column(static_cast<int>(i) + 1, rows, static_cast<int>(i));
      }
      insert.run();
      insert.reset();
    }
  }

  Database& main_;
  Database& shard_;
  MergeCount count_;
};

}  // namespace

MergeCount merge_shard(ResultsStore& main, const std::string& shard_path) {
  Database shard = open_results_database(shard_path, Access::kImmutable);
  Transaction transaction(main.database());
  const MergeCount count = Merger(main.database(), shard).run();
  transaction.commit();
  return count;
}

std::map<std::string, TrialProgress> stored_progress(ResultsStore& store) {
  Statement stmt = store.database().prepare("SELECT trial_id, state, attempts FROM trials");
  std::map<std::string, TrialProgress> out;
  while (stmt.step())
    out[stmt.text(0)] = {parse_state(stmt.text(1)), static_cast<int>(stmt.int64(2))};
  return out;
}

}  // namespace sweep
