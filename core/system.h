// The outside world as sweep sees it, in the shape of leveldb's Env: clocks,
// this host and process, other processes, environment variables and scratch
// folders. Code that needs one of these takes a System&, so tests pass a
// FakeSystem (tests/fake_system.h) and set the time, the host, which processes
// live and the environment, or run the disk out of space. real_system() is
// this process's own; it is thread-safe. New ways of touching the world become
// further virtual methods here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sweep {

// A fresh private folder (mode 0700), removed with everything in it when the
// object goes. Movable, not copyable.
class ScratchDir {
 public:
  // Makes `root`/`prefix`-XXXXXX. Throws RuntimeError naming `root` (and what
  // the folder was for, when `purpose` says) when it cannot.
  ScratchDir(const std::filesystem::path& root, const std::string& prefix,
             const std::string& purpose = "");
  ~ScratchDir();
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&& other) noexcept;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path()/name as a string.
  std::string file(const std::string& name) const;

 private:
  std::filesystem::path path_;  // empty once moved from
};

class System {
 public:
  virtual ~System() = default;

  // Seconds on a clock that never goes back, for durations and timeouts.
  virtual double monotonic_seconds() = 0;
  // Seconds since the Unix epoch, for times that other processes and hosts
  // compare (leases in the results database).
  virtual double unix_seconds() = 0;
  virtual std::string host_name() = 0;
  virtual int64_t process_id() = 0;
  // Whether a process with this id lives on this host (one of another user's
  // counts).
  virtual bool process_alive(int64_t pid) = 0;
  // The machine's cores, at least 1.
  virtual int cpu_cores() = 0;
  // An environment variable's value; nullopt when it is not set.
  virtual std::optional<std::string> env(const std::string& name) = 0;
  // Writes up to `count` bytes to the open file `fd`, as write(2) does: the
  // bytes written, or -1 with errno set. The files sweep publishes pass
  // through here (core/file_write.h).
  virtual int64_t write_some(int fd, const char* data, size_t count) = 0;

  // Where scratch folders go: $SLURM_TMPDIR, else $TMPDIR, else /tmp (empty
  // values are skipped).
  std::filesystem::path temp_root();
  // A fresh private folder under temp_root(); see ScratchDir.
  ScratchDir scratch_dir(const std::string& prefix, const std::string& purpose = "");
};

// The process's own System.
System& real_system();

// This machine's host name, for code that records it without a System at hand
// (the environment a trial ran in).
std::string this_host_name();

}  // namespace sweep
