// A System whose world the test sets: a clock that moves only when told,
// Unix time that follows it, a host name, a process id, which processes live,
// the cores, the environment and how much the disk takes before it is full.
// Scratch folders and written files are real, under the temp root its
// environment names (the real /tmp when it names none).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <string>

#include "core/system.h"

namespace sweep::testing {

class FakeSystem : public System {
 public:
  double monotonic_seconds() override { return clock; }
  double unix_seconds() override { return unix_epoch + clock; }
  std::string host_name() override { return host; }
  int64_t process_id() override { return pid; }
  bool process_alive(int64_t other) override { return live_pids.count(other) > 0; }
  int cpu_cores() override { return cores; }
  std::optional<std::string> env(const std::string& name) override {
    const auto it = environment.find(name);
    if (it == environment.end()) return std::nullopt;
    return it->second;
  }

  // Real writes until disk_space bytes have gone through here, then a short
  // write and ENOSPC, as a full disk answers.
  int64_t write_some(int fd, const char* data, size_t count) override {
    if (disk_space < 0) return ::write(fd, data, count);
    const auto room = static_cast<size_t>(std::max<int64_t>(disk_space - written, 0));
    if (room == 0) {
      errno = ENOSPC;
      return -1;
    }
    const int64_t done = ::write(fd, data, std::min(count, room));
    if (done > 0) written += done;
    return done;
  }

  // Moves both clocks on.
  void advance(double seconds) { clock += seconds; }

  double clock = 0.0;       // monotonic seconds
  double unix_epoch = 1e9;  // unix_seconds() is unix_epoch + clock
  std::string host = "here";
  int64_t pid = 1;
  std::set<int64_t> live_pids = {1};
  int cores = 4;
  std::map<std::string, std::string> environment;
  int64_t disk_space = -1;  // bytes write_some takes before the disk is full; -1: no limit
  int64_t written = 0;      // bytes write_some has taken
};

}  // namespace sweep::testing
