#include "runner/core_budget.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace sweep {
namespace {

namespace fs = std::filesystem;

// "runner-1234": the file a runner of that pid registers as.
std::string file_name(int64_t pid) { return "runner-" + std::to_string(pid); }

std::optional<int64_t> pid_of(const std::string& name) {
  const std::string prefix = "runner-";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > 20) return {};
  const std::string digits = name.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return {};
  return std::stoll(digits);
}

}  // namespace

CoreBudget::CoreBudget(System& system, fs::path folder)
    : system_(system), folder_(std::move(folder)) {
  std::error_code error;
  fs::create_directories(folder_, error);
  if (error) return;
  const fs::path mine = folder_ / file_name(system_.process_id());
  std::ofstream(mine).flush();
  if (fs::exists(mine, error)) mine_ = mine;
}

CoreBudget::~CoreBudget() {
  std::error_code ignored;
  if (!mine_.empty()) fs::remove(mine_, ignored);
}

int CoreBudget::runners() {
  int live = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder_, error)) {
    const auto pid = pid_of(entry.path().filename().string());
    if (!pid) continue;
    if (*pid == system_.process_id() || system_.process_alive(*pid)) {
      ++live;
    } else {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);  // a runner that died without leaving
    }
  }
  return std::max(1, live + (mine_.empty() ? 1 : 0));
}

int CoreBudget::cores() { return std::max(1, system_.cpu_cores() / runners()); }

int CoreBudget::threads_per_worker(int workers) {
  return std::max(1, cores() / std::max(1, workers));
}

fs::path default_runner_folder(System& system) {
  if (const auto runtime = system.env("XDG_RUNTIME_DIR"); runtime && !runtime->empty())
    return fs::path(*runtime) / "sweep-runners";
  return fs::path("/tmp") / ("sweep-runners-" + std::to_string(getuid()));
}

}  // namespace sweep
