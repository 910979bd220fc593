#include "storage/shard_file.h"

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "core/file_write.h"

namespace sweep {

namespace fs = std::filesystem;

void publish_shard(System& system, ResultsStore& store, const std::string& scratch_dir,
                   const std::string& shard_path) {
  const std::string snapshot = (fs::path(scratch_dir) / "snapshot.db").string();
  std::error_code ignored;
  fs::remove(snapshot, ignored);
  fs::remove(snapshot + "-journal", ignored);
  store.database().prepare("VACUUM INTO ?1").bind(1, snapshot).run();
  {
    Database copy(snapshot, Database::Mode::kReadWrite);
    copy.exec("PRAGMA journal_mode = DELETE");
  }
  std::ifstream in(snapshot, std::ios::binary);
  if (!in) throw RuntimeError(snapshot + ": cannot read the snapshot just written");
  write_file(system, shard_path, [&](std::ostream& out) { out << in.rdbuf(); });
}

int requeue_stopped_by_slurm(ResultsStore& store) {
  Database& db = store.database();
  Transaction transaction(db);
  db.prepare(
        "UPDATE trials SET state = 'pending', attempts = max(attempts - 1, 0), "
        "error = 'interrupted: Slurm stopped the task (SIGTERM); ran again', finished_at = NULL "
        "WHERE state = 'failed' AND error LIKE 'worker crashed with signal 15 (SIGTERM)%'")
      .run();
  const int changed = db.changes();
  transaction.commit();
  return changed;
}

void carry_attempts(ResultsStore& store, const std::map<std::string, int>& attempts) {
  Database& db = store.database();
  Transaction transaction(db);
  Statement raise =
      db.prepare("UPDATE trials SET attempts = ?2 WHERE trial_id = ?1 AND attempts < ?2");
  for (const auto& [id, n] : attempts) {
    raise.bind(1, id).bind(2, n).run();
    raise.reset();
  }
  transaction.commit();
}

}  // namespace sweep
