#include "runner/commands/cli.h"

#include <cstdio>

#include "core/errors.h"
#include "core/system.h"

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
  System& system = real_system();
  const auto set = [&system](const char* name) {
    auto value = system.env(name);
    return value && !value->empty() ? value : std::nullopt;
  };
  if (const auto dir = set("SWEEP_CACHE")) return *dir;
  if (const auto xdg = set("XDG_CACHE_HOME")) return *xdg + "/sweep";
  if (const auto home = set("HOME")) return *home + "/.cache/sweep";
  return ".sweep-cache";
}

}  // namespace sweep
