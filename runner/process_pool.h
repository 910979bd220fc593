// Worker processes, one per slot: `sweep worker` started from this executable,
// talking over pipes (worker_protocol.h). A worker lives on between jobs, so it
// keeps loaded data and backbones; one that dies is started again on the next
// job. Workers run in their own process group (a Ctrl-C at the terminal reaches
// only the runner, which decides) and die with the runner (PR_SET_PDEATHSIG).
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "runner/devices.h"
#include "runner/worker_pool.h"

namespace sweep {

class ProcessPool : public WorkerPool {
 public:
  // `cache_dir`: where workers find and put pretrained weights and cached
  // features. `worker_options`: further options for every `sweep worker`.
  ProcessPool(std::vector<Slot> slots, std::string cache_dir,
              std::vector<std::string> worker_options = {});
  ~ProcessPool() override;

  void assign(int slot, const Job& job) override;
  std::vector<PoolEvent> wait(double timeout_seconds) override;
  void kill(int slot) override;
  void decide(int slot, bool keep) override;
  void withdraw(int slot) override;

 private:
  struct Worker;
  void start(int slot);
  void reap(int slot, std::vector<PoolEvent>& events);

  std::vector<Slot> slots_;
  std::string cache_dir_;
  std::vector<std::string> worker_options_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

// A worker's environment: the parent's (`environ`), with OMP_NUM_THREADS and
// MKL_NUM_THREADS set to `threads`, and short bounded spinning for OpenMP's waiting
// threads unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT.
std::vector<std::string> worker_environment(int threads, char* const* parent);

// "exited with code 3", "crashed with signal 11 (SIGSEGV)" for a waitpid status.
std::string describe_exit(int status);

}  // namespace sweep
