#include "runner/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace sweep {
namespace {

std::atomic<int> g_signals{0};
struct sigaction g_previous_int;
struct sigaction g_previous_term;

void on_signal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);
  const char message[] =
      "\nsweep: stopping after saving state; press Ctrl-C again to stop at once\n";
  const ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_signals = 0;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

bool InterruptGuard::stop_requested() { return g_signals.load() > 0; }

}  // namespace sweep
