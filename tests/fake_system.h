// A System whose world the test sets: a clock that moves only when told,
// Unix time that follows it, a host name, a process id, which processes live,
// the cores and the environment. Scratch folders are real, under the temp root
// its environment names (the real /tmp when it names none).
#pragma once

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

  // Moves both clocks on.
  void advance(double seconds) { clock += seconds; }

  double clock = 0.0;       // monotonic seconds
  double unix_epoch = 1e9;  // unix_seconds() is unix_epoch + clock
  std::string host = "here";
  int64_t pid = 1;
  std::set<int64_t> live_pids = {1};
  int cores = 4;
  std::map<std::string, std::string> environment;
};

}  // namespace sweep::testing
