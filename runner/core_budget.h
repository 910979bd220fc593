// How many CPU threads a runner's workers may use now, so that runners sharing a
// machine share its cores instead of fighting for them: libgomp's waiting
// threads spin, and two runners of 2 threads each on 2 cores ran every trial 7
// to 10 times slower, not 2. Each `sweep run` registers itself in a folder of
// the machine (one file per runner, named by its pid); the budget is the cores
// divided by the live runners found there, at least one thread per worker, and
// no more jobs running at once than that share (two runners of two single-thread
// workers on 2 cores would otherwise time-slice four processes). It is
// recomputed whenever a job starts, so it follows runners that start or end.
//
// Registration is atomic file creation and removal; files of runners that died
// are ignored and removed by the next one that looks. Not thread-safe.
#pragma once

#include <filesystem>

#include "core/system.h"

namespace sweep {

class CoreBudget {
 public:
  // Registers this process in `folder` (made if missing). A folder that cannot
  // be used leaves the budget at every core, with no error: sharing is a
  // courtesy, not a condition.
  CoreBudget(System& system, std::filesystem::path folder);
  ~CoreBudget();
  CoreBudget(const CoreBudget&) = delete;
  CoreBudget& operator=(const CoreBudget&) = delete;

  // This runner's share of the cores now: the cores divided by the live
  // runners, at least 1. It runs no more jobs at once than this.
  int cores();
  // Threads for each of `workers` CPU workers of this runner: its share of the
  // cores split between them, at least 1.
  int threads_per_worker(int workers);
  // Live runners registered now, this one included.
  int runners();

 private:
  System& system_;
  std::filesystem::path folder_;
  std::filesystem::path mine_;  // empty when registration failed
};

// Where runners on this machine register: $XDG_RUNTIME_DIR/sweep-runners,
// else /tmp/sweep-runners-UID.
std::filesystem::path default_runner_folder(System& system);

}  // namespace sweep
