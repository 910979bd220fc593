// An exclusive advisory lock on a file (flock), held for the object's lifetime.
// Lets processes that share a cache folder take turns creating one entry.
#pragma once

#include <string>

namespace sweep {

class FileLock {
 public:
  // Blocks until the lock is held; creates the file if needed. Throws
  // RuntimeError when the file cannot be opened.
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace sweep
