#include "experiments/data/quiet_stderr.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace sweep {
namespace {

// Overlapping holders on several threads share one redirection: the first
// sets stderr aside, the last puts it back.
std::mutex mutex;
int holders = 0;
int saved = -1;  // the real stderr while held; -1 when it could not be set aside

}  // namespace

QuietStderr::QuietStderr() {
  const std::lock_guard<std::mutex> lock(mutex);
  if (holders++ > 0) return;
  std::fflush(stderr);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) return;
  saved = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
  if (saved >= 0 && ::dup2(null, STDERR_FILENO) < 0) {
    ::close(saved);
    saved = -1;
  }
  ::close(null);
}

QuietStderr::~QuietStderr() {
  const std::lock_guard<std::mutex> lock(mutex);
  if (--holders > 0 || saved < 0) return;
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  saved = -1;
}

}  // namespace sweep
