#include "faulty_sqlite.h"

#include <cassert>

namespace sweep::testing {
namespace {

// Our file: SQLite's handle, then the real VFS's file in the bytes after it.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }
const sqlite3_io_methods& io(sqlite3_file* file) { return *real_of(file)->pMethods; }
sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int file_close(sqlite3_file* f) { return io(f).xClose(real_of(f)); }
int file_read(sqlite3_file* f, void* data, int count, sqlite3_int64 offset) {
  return io(f).xRead(real_of(f), data, count, offset);
}
int file_write(sqlite3_file* f, const void* data, int count, sqlite3_int64 offset) {
  if (FaultySqlite::disk_full()) return SQLITE_FULL;
  return io(f).xWrite(real_of(f), data, count, offset);
}
int file_truncate(sqlite3_file* f, sqlite3_int64 size) { return io(f).xTruncate(real_of(f), size); }
int file_sync(sqlite3_file* f, int flags) { return io(f).xSync(real_of(f), flags); }
int file_size(sqlite3_file* f, sqlite3_int64* size) { return io(f).xFileSize(real_of(f), size); }
int file_lock(sqlite3_file* f, int level) { return io(f).xLock(real_of(f), level); }
int file_unlock(sqlite3_file* f, int level) { return io(f).xUnlock(real_of(f), level); }
int file_reserved(sqlite3_file* f, int* out) { return io(f).xCheckReservedLock(real_of(f), out); }
int file_control(sqlite3_file* f, int op, void* arg) {
  return io(f).xFileControl(real_of(f), op, arg);
}
int file_sector_size(sqlite3_file* f) { return io(f).xSectorSize(real_of(f)); }
int file_device(sqlite3_file* f) { return io(f).xDeviceCharacteristics(real_of(f)); }
int file_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  return io(f).xShmMap(real_of(f), page, page_size, extend, out);
}
int file_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return io(f).xShmLock(real_of(f), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* f) { io(f).xShmBarrier(real_of(f)); }
int file_shm_unmap(sqlite3_file* f, int remove) { return io(f).xShmUnmap(real_of(f), remove); }
int file_fetch(sqlite3_file* f, sqlite3_int64 offset, int count, void** out) {
  return io(f).xFetch(real_of(f), offset, count, out);
}
int file_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return io(f).xUnfetch(real_of(f), offset, p);
}

const sqlite3_io_methods kMethods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_reserved,
    file_control,
    file_sector_size,
    file_device,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* ours = reinterpret_cast<File*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  if (FaultySqlite::read_only() && (flags & SQLITE_OPEN_MAIN_DB)) {
    flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
  }
  const int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, ours->real, flags, out_flags);
  // Every method forwards, so the real file must have them all (unix's do).
  assert(!ours->real->pMethods || ours->real->pMethods->iVersion >= 3);
  ours->base.pMethods = ours->real->pMethods ? &kMethods : nullptr;
  return rc;
}
int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync) {
  return real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return real_vfs(vfs)->xAccess(real_vfs(vfs), name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) {
  return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name);
}
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* out) {
  real_vfs(vfs)->xDlError(real_vfs(vfs), size, out);
}
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* library, const char* symbol))(void) {
  return real_vfs(vfs)->xDlSym(real_vfs(vfs), library, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* library) {
  real_vfs(vfs)->xDlClose(real_vfs(vfs), library);
}
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return real_vfs(vfs)->xRandomness(real_vfs(vfs), size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) {
  return real_vfs(vfs)->xSleep(real_vfs(vfs), microseconds);
}
int vfs_current_time(sqlite3_vfs* vfs, double* out) {
  return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out);
}
int vfs_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return real_vfs(vfs)->xGetLastError(real_vfs(vfs), size, out);
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}

}  // namespace

FaultySqlite::FaultySqlite() : real_(sqlite3_vfs_find(nullptr)) {
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
  vfs_.mxPathname = real_->mxPathname;
  vfs_.zName = "sweep-faulty";
  vfs_.pAppData = real_;
  vfs_.xOpen = vfs_open;
  vfs_.xDelete = vfs_delete;
  vfs_.xAccess = vfs_access;
  vfs_.xFullPathname = vfs_full_pathname;
  vfs_.xDlOpen = vfs_dl_open;
  vfs_.xDlError = vfs_dl_error;
  vfs_.xDlSym = vfs_dl_sym;
  vfs_.xDlClose = vfs_dl_close;
  vfs_.xRandomness = vfs_randomness;
  vfs_.xSleep = vfs_sleep;
  vfs_.xCurrentTime = vfs_current_time;
  vfs_.xGetLastError = vfs_last_error;
  vfs_.xCurrentTimeInt64 = vfs_current_time_int64;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
}

FaultySqlite::~FaultySqlite() {
  disk_full_ = false;
  read_only_ = false;
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(real_, /*makeDflt=*/1);
}

}  // namespace sweep::testing
