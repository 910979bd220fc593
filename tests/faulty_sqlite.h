// SQLite's own seam to the disk, the VFS, with faults a test switches on: while
// a FaultySqlite lives it is SQLite's default VFS, so every database opened
// meanwhile (ResultsStore included) goes through it to the real one.
#pragma once

#include <sqlite3.h>

namespace sweep::testing {

class FaultySqlite {
 public:
  FaultySqlite();
  ~FaultySqlite();
  FaultySqlite(const FaultySqlite&) = delete;
  FaultySqlite& operator=(const FaultySqlite&) = delete;

  // While on, every write to a database, journal or WAL file fails with
  // SQLITE_FULL, as a full disk answers.
  void fill_disk(bool full) { disk_full_ = full; }
  // While on, files open read-only whatever SQLite asks for, as on a read-only
  // mount or without write permission.
  void make_read_only(bool read_only) { read_only_ = read_only; }

  static bool disk_full() { return disk_full_; }
  static bool read_only() { return read_only_; }

 private:
  static inline bool disk_full_ = false;
  static inline bool read_only_ = false;
  sqlite3_vfs vfs_{};
  sqlite3_vfs* real_ = nullptr;
};

}  // namespace sweep::testing
