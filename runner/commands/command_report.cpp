#include "runner/commands/command_report.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "analysis/report_html.h"
#include "analysis/report_text.h"
#include "core/errors.h"
#include "core/file_write.h"
#include "runner/chart_library.h"
#include "runner/commands/cli.h"
#include "runner/stored_sweeps.h"

namespace sweep {
namespace {

struct ReportOptions {
  std::string db = "sweep.db";
  bool html = false;
  std::string out;  // default: next to the database, NAME-report.html
  std::string sweep;
  double tolerance = 1.0;  // points
};

std::string default_out(const std::string& db) {
  std::filesystem::path path(db);
  path.replace_extension();
  return path.string() + "-report.html";
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

void write_report(const std::string& path, const std::string& html) {
  try {
    write_file(real_system(), path, [&](std::ostream& out) { out << html; });
  } catch (const RuntimeError& e) {
    throw InputError(std::string(e.what()) +
                     "; the report is not written: check that its folder exists, is writable "
                     "and has room");
  }
}

int report(const ReportOptions& options) {
  ResultsStore store(options.db, Access::kReadOnly);
  std::vector<SweepSummary> summaries;
  for (const auto& name : selected_sweeps(store, options.sweep)) {
    summaries.push_back(summarize_stored(store, name, options.tolerance / 100.0));
  }
  if (!options.html) {
    if (summaries.empty()) std::printf("%s holds no sweeps yet\n", options.db.c_str());
    for (size_t i = 0; i < summaries.size(); ++i) {
      std::printf("%s%s", i ? "\n" : "", render_text_report(summaries[i]).c_str());
    }
    return kExitOk;
  }
  const std::string out = options.out.empty() ? default_out(options.db) : options.out;
  std::string why;
  const auto charts = load_chart_library(why);
  if (!charts) std::fprintf(stderr, "sweep report: no charts: %s\n", why.c_str());
  write_report(out, render_html_report(summaries, {options.db, utc_now(), charts}));
  std::printf("%s\n", std::filesystem::absolute(out).c_str());
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = app.add_subcommand(
      "report", "Answer per target: is head-only enough, and if not, how deep and at what cost?");
  add_db_option(*command, options->db);
  command->add_flag("--html", options->html,
                    "write one self-contained HTML file and print its path");
  command->add_option("--out", options->out,
                      "where --html writes (default: DB-report.html beside the database)");
  command->add_option("--sweep", options->sweep,
                      "only this sweep (default: every sweep in the database)");
  command
      ->add_option("--tolerance", options->tolerance,
                   "points below the best depth on validation that a shallower depth may be "
                   "and still be recommended")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return report(*options); }); });
}

}  // namespace sweep
