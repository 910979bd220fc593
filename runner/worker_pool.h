// Worker slots as the scheduler sees them: send a job to a slot, wait for what
// the workers say, kill a slot's worker. ProcessPool runs real worker processes;
// tests use fakes.
#pragma once

#include <string>
#include <vector>

#include "runner/worker_protocol.h"

namespace sweep {

struct PoolEvent {
  enum class Kind { kMessage, kExited } kind = Kind::kMessage;
  int slot = 0;
  WorkerMessage message;  // kMessage
  std::string cause;      // kExited: why the worker ended, e.g. "crashed with signal 11 (SIGSEGV)"
};

class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  // Sends the job to the slot's worker, starting a worker first if none runs.
  virtual void assign(int slot, const Job& job) = 0;
  // What the workers said within `timeout_seconds`; empty when nothing came.
  virtual std::vector<PoolEvent> wait(double timeout_seconds) = 0;
  // Ends the slot's worker at once; no kExited event follows.
  virtual void kill(int slot) = 0;
  // Answers the slot's trial waiting at a rung (WorkerMessage::kRung).
  virtual void decide(int slot, bool keep) = 0;
  // Withdraws a rung's "go on" from the slot's trial, which then stops after
  // its current epoch (its result says where); nothing if it has ended.
  virtual void withdraw(int slot) = 0;
};

}  // namespace sweep
