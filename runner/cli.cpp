#include "runner/cli.h"

#include <cstdio>
#include <cstdlib>

#include "core/errors.h"

namespace sweep {

void add_db_option(CLI::App& command, std::string& db) {
  command.add_option("--db", db, "results database (created by `sweep run` when missing)")
      ->capture_default_str();
}

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    for (const auto& line : e.lines()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitBadInput;
  } catch (const Interrupted&) {
    std::fprintf(stderr, "sweep: interrupted\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep: error: %s\n", e.what());
    return kExitTrialsFailed;
  }
}

std::string default_cache_dir() {
  if (const char* dir = std::getenv("SWEEP_CACHE"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/sweep";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/sweep";
  return ".sweep-cache";
}

}  // namespace sweep
