#include "runner/command_status.h"

#include <cstdio>
#include <memory>
#include <set>

#include "analysis/format.h"
#include "core/errors.h"
#include "runner/cli.h"
#include "runner/stored_sweeps.h"
#include "runner/sweep_runner.h"

namespace sweep {
namespace {

struct StatusOptions {
  std::string db = "sweep.db";
  std::string sweep;
};

std::string status_of(ResultsStore& store, const std::string& name) {
  const auto trials = store.trials(name);
  const SweepSummary s = summarize(name, trials, std::nullopt);
  std::string out = name + ": " + std::to_string(s.total) + " trials: " + std::to_string(s.done) +
                    " done, " + std::to_string(s.running) + " running, " +
                    std::to_string(s.failed) + " failed, " + std::to_string(s.pending) +
                    " pending\n";
  std::set<std::string> workers;
  for (const auto& t : trials) {
    if (t.state != TrialState::kRunning) continue;
    workers.insert(t.claimed_by);
    out += "  running: " + describe_trial(t.spec) + " (attempt " + std::to_string(t.attempts) +
           ", by " + t.claimed_by + " since " + t.started_at + ")\n";
  }
  if (!s.devices.empty()) {
    out += "  devices used:";
    for (const auto& d : s.devices) out += " " + d + ";";
    out.back() = '\n';
  }
  const SweepTiming timing = store.timing(name);
  if (timing.elapsed_seconds > 0) {
    out += "  elapsed " + format_seconds(timing.elapsed_seconds) + " since the first trial started";
    const int left = s.pending + s.running;
    if (left > 0 && s.done > 0) {
      const double each = s.device_seconds / s.done;
      const double parallel = std::max<size_t>(1, workers.size());
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
  for (const auto& name : names) std::fputs(status_of(store, name).c_str(), stdout);
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
