#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/errors.h"
#include "core/system.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

class PosixSystem : public System {
 public:
  double monotonic_seconds() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  double unix_seconds() override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string host_name() override { return this_host_name(); }

  int64_t process_id() override { return static_cast<int64_t>(getpid()); }

  bool process_alive(int64_t pid) override {
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
  }

  int cpu_cores() override {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }

  std::optional<std::string> env(const std::string& name) override {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  }

  int64_t write_some(int fd, const char* data, size_t count) override {
    return static_cast<int64_t>(::write(fd, data, count));
  }
};

}  // namespace

ScratchDir::ScratchDir(const fs::path& root, const std::string& prefix,
                       const std::string& purpose) {
  std::string pattern = (root / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) {
    throw RuntimeError(root.string() + ": cannot make a scratch folder" +
                       (purpose.empty() ? "" : " for " + purpose) + " (" + std::strerror(errno) +
                       ")");
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScratchDir& ScratchDir::operator=(ScratchDir&& other) noexcept {
  if (this != &other) {
    ScratchDir gone(std::move(*this));
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

std::string ScratchDir::file(const std::string& name) const { return (path_ / name).string(); }

fs::path System::temp_root() {
  for (const char* name : {"SLURM_TMPDIR", "TMPDIR"}) {
    if (const auto dir = env(name); dir && !dir->empty()) return *dir;
  }
  return "/tmp";
}

ScratchDir System::scratch_dir(const std::string& prefix, const std::string& purpose) {
  return ScratchDir(temp_root(), prefix, purpose);
}

System& real_system() {
  static PosixSystem system;
  return system;
}

std::string this_host_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace sweep
