#include "runner/commands/command_validate.h"

#include <cstdio>
#include <memory>

#include "runner/commands/cli.h"
#include "runner/commands/sweep_loading.h"

namespace sweep {
namespace {

struct ValidateOptions {
  std::string file;
};

int validate(const ValidateOptions& options) {
  const LoadedSweep sweep = load_checked_sweep(options.file, default_cache_dir());
  print_notes(sweep);
  std::printf("%s: ok: sweep \"%s\", %s\n", options.file.c_str(), sweep.spec.name.c_str(),
              describe_grid(sweep).c_str());
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand("validate", "Check a sweep file without running anything");
  command->add_option("file", options->file, "sweep file (JSON)")->required();
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return validate(*options); }); });
}

}  // namespace sweep
