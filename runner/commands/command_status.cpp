#include "runner/commands/command_status.h"

#include <cstdio>
#include <map>
#include <memory>

#include "analysis/format.h"
#include "core/errors.h"
#include "core/system.h"
#include "runner/commands/cli.h"
#include "runner/scheduler.h"
#include "runner/slurm_status.h"
#include "runner/stored_sweeps.h"

namespace sweep {
namespace {

struct StatusOptions {
  std::string db = "sweep.db";
  std::string sweep;
};

// " (its runner is gone ...)" for a trial claimed by a process of this host
// that no longer exists (killed, or stopped by a full disk); empty otherwise.
// Claims from other hosts are judged by their lease when a runner starts.
std::string gone_note(const std::string& claimed_by, System& system) {
  const size_t colon = claimed_by.rfind(':');
  if (colon == std::string::npos || claimed_by.substr(0, colon) != system.host_name()) return "";
  try {
    if (system.process_alive(std::stoll(claimed_by.substr(colon + 1)))) return "";
  } catch (const std::exception&) {
    return "";
  }
  return "; its runner is gone, so it runs again with the next `sweep run`";
}

std::string status_of(ResultsStore& store, const std::string& name, System& system) {
  const auto trials = store.trials(name);
  const SweepSummary s = summarize(name, trials, std::nullopt);
  std::string out =
      name + ": " + std::to_string(s.total) + " trials: " + std::to_string(s.done) + " done, " +
      std::to_string(s.running) + " running, " + std::to_string(s.failed) + " failed, " +
      std::to_string(s.pending) + " pending" +
      (s.stopped ? ", " + std::to_string(s.stopped) + " stopped by successive halving" : "") + "\n";
  std::map<std::string, int> in_use;
  for (const auto& t : trials) {
    if (t.state != TrialState::kRunning) continue;
    ++in_use[t.device];
    out += "  running on " + t.device + ": " + describe_trial(t.spec) + " (attempt " +
           std::to_string(t.attempts) + ", by " + t.claimed_by + " since " + t.started_at +
           gone_note(t.claimed_by, system) + ")\n";
  }
  if (!in_use.empty()) {
    out += "  devices in use:";
    for (const auto& [device, n] : in_use) {
      out += " " + device + " (" + std::to_string(n) + (n == 1 ? " trial)" : " trials)");
    }
    out += "\n";
  }
  const SweepTiming timing = store.timing(name);
  if (timing.running_seconds > 0) {
    out += "  running time " + format_seconds(timing.running_seconds) +
           " (while trials ran; time between runs left out)";
    const int left = s.pending + s.running;
    if (left > 0 && s.done > 0) {
      const double each = s.wall_seconds / (s.done + s.stopped);
      const double parallel = std::max<size_t>(1, static_cast<size_t>(s.running));
      out += "; about " + format_seconds(each * left / parallel) + " to go (" +
             std::to_string(left) + " trials at " + format_seconds(each) + " each)";
    }
    out += "\n";
  }
  return out;
}

int status(const StatusOptions& options) {
  ResultsStore store(options.db, Access::kReadOnly);
  const auto names = selected_sweeps(store, options.sweep);
  if (names.empty()) std::printf("%s holds no sweeps yet\n", options.db.c_str());
  auto runner = make_process_runner();
  Slurm slurm(*runner);
  for (const auto& name : names) {
    std::fputs(status_of(store, name, real_system()).c_str(), stdout);
    std::fputs(describe_submissions(store, options.db, name, slurm).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* command = app.add_subcommand("status", "Trials by state, devices in use, time left");
  add_db_option(*command, options->db);
  command->add_option("--sweep", options->sweep, "only this sweep (default: every sweep)");
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return status(*options); }); });
}

}  // namespace sweep
