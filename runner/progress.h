// Progress of a long command, shown to the user. On a terminal a single live
// line is redrawn in place (at most ten times a second) with finished trials
// printed above it; elsewhere (CI logs, nohup) the same line is printed as plain
// text at a fixed interval. Not thread-safe.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sweep {

struct ProgressState {
  int total = 0;
  int done = 0;  // including trials finished by earlier runs
  int failed = 0;
  int running = 0;
  double elapsed = 0.0;  // seconds, this run
  std::optional<double> eta;
  std::optional<double> best_val;  // best validation accuracy so far
  std::string activity;            // what runs now, e.g. "near, 2 blocks, lr 0.01: epoch 3/10"
};

// "[12/48] 1 running, 0 failed, 3m12s elapsed, ETA 9m40s, best val 91.2% | near ..."
std::string progress_line(const ProgressState& state);

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // The current state; called often, shown as the sink sees fit.
  virtual void show(const ProgressState& state) = 0;
  // A line that stays in the output.
  virtual void print(const std::string& line) = 0;
  // Ends the live display.
  virtual void close() = 0;
};

using Clock = std::function<double()>;  // seconds, monotonic
Clock steady_clock_seconds();

std::unique_ptr<ProgressSink> make_terminal_progress(std::FILE* out, Clock clock);
std::unique_ptr<ProgressSink> make_log_progress(std::FILE* out, double interval_seconds,
                                                Clock clock);
// A terminal sink when `out` is a terminal, else a log sink printing every 30 s.
std::unique_ptr<ProgressSink> make_progress(std::FILE* out);

}  // namespace sweep
