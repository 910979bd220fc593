#include "storage/shard_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace sweep {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw RuntimeError(path + ": cannot publish the shard (" + what + ")");
}

// Copies `from` to `to` and flushes it to disk before returning.
void copy_durably(const std::string& from, const std::string& to) {
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) fail(from, std::strerror(errno));
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int error = errno;
    close(in);
    fail(to, std::strerror(error));
  }
  char buffer[1 << 16];
  ssize_t n = 0;
  while ((n = read(in, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    bool ok = n > 0;
    for (ssize_t written = 0; ok && written < n;) {
      const ssize_t w = write(out, buffer + written, static_cast<size_t>(n - written));
      if (w < 0 && errno == EINTR) continue;
      ok = w > 0;
      written += w;
    }
    if (!ok) {
      const int error = errno;
      close(in);
      close(out);
      fail(to, std::strerror(error));
    }
  }
  close(in);
  if (fsync(out) != 0 || close(out) != 0) fail(to, std::strerror(errno));
}

}  // namespace

void publish_shard(ResultsStore& store, const std::string& scratch_dir,
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
  const std::string partial = shard_path + ".partial";
  copy_durably(snapshot, partial);
  if (std::rename(partial.c_str(), shard_path.c_str()) != 0) fail(shard_path, std::strerror(errno));
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
