// Ctrl-C for long commands. While an InterruptGuard lives, the first SIGINT or
// SIGTERM only asks the work to stop at its next safe point (stop_requested()
// turns true); a second SIGINT ends the process at once with exit code 130.
// One guard at a time per process.
#pragma once

namespace sweep {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  static bool stop_requested();
};

}  // namespace sweep
