#include "runner/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include "analysis/format.h"
#include "core/system.h"

namespace sweep {
namespace {

// Columns of the terminal behind `out`; 100 when it cannot tell.
size_t terminal_width(std::FILE* out) {
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

class TerminalProgress : public ProgressSink {
 public:
  TerminalProgress(std::FILE* out, Clock clock) : out_(out), clock_(std::move(clock)) {}

  void show(const ProgressState& state) override {
    const double now = clock_();
    if (shown_ && now - last_ < 0.1) return;
    last_ = now;
    shown_ = true;
    std::string line = progress_line(state);
    const size_t width = terminal_width(out_);
    if (line.size() >= width) line = line.substr(0, width - 4) + "...";
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    std::fflush(out_);
  }

  void print(const std::string& line) override {
    std::fprintf(out_, "\r\033[K%s\n", line.c_str());
    std::fflush(out_);
    shown_ = false;  // redraw the live line at the next update
  }

  void close() override {
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  Clock clock_;
  double last_ = 0.0;
  bool shown_ = false;
};

class LogProgress : public ProgressSink {
 public:
  LogProgress(std::FILE* out, double interval, Clock clock)
      : out_(out), interval_(interval), clock_(std::move(clock)), last_(clock_()) {}

  void show(const ProgressState& state) override {
    const double now = clock_();
    if (now - last_ < interval_) return;
    last_ = now;
    std::fprintf(out_, "%s\n", progress_line(state).c_str());
    std::fflush(out_);
  }

  void print(const std::string& line) override {
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
  }

  void close() override {}

 private:
  std::FILE* out_;
  double interval_;
  Clock clock_;
  double last_;
};

}  // namespace

std::string progress_line(const ProgressState& s) {
  std::string line = "[" + std::to_string(s.done) + "/" + std::to_string(s.total) + "] " +
                     std::to_string(s.running) + " running, " + std::to_string(s.failed) +
                     " failed, " + format_seconds(s.elapsed) + " elapsed";
  if (s.eta) line += ", ETA " + format_seconds(*s.eta);
  if (s.best_val) line += ", best val " + percent(*s.best_val);
  if (!s.activity.empty()) line += " | " + s.activity;
  return line;
}

Clock steady_clock_seconds() {
  return [] { return real_system().monotonic_seconds(); };
}

std::unique_ptr<ProgressSink> make_terminal_progress(std::FILE* out, Clock clock) {
  return std::make_unique<TerminalProgress>(out, std::move(clock));
}

std::unique_ptr<ProgressSink> make_log_progress(std::FILE* out, double interval_seconds,
                                                Clock clock) {
  return std::make_unique<LogProgress>(out, interval_seconds, std::move(clock));
}

std::unique_ptr<ProgressSink> make_progress(std::FILE* out) {
  if (isatty(fileno(out))) return make_terminal_progress(out, steady_clock_seconds());
  return make_log_progress(out, 30.0, steady_clock_seconds());
}

}  // namespace sweep
