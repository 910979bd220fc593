#include "runner/commands/command_worker.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "core/system.h"
#include "runner/commands/cli.h"
#include "runner/commands/local_executor.h"
#include "runner/worker.h"

namespace sweep {
namespace {

struct WorkerOptions {
  std::string device = "cpu";
  int threads = 1;
  std::string cache_dir;
  int feature_memory_mb = kDefaultFeatureMemoryMb;
};

int work(const WorkerOptions& options) {
  // std::cin then buffers on its own and can tell whether a line is waiting
  // (successive halving's withdrawals arrive unasked).
  std::ios::sync_with_stdio(false);
  const FaultPlan plan = parse_fault_plan(real_system().env("SWEEP_TEST_FAULT").value_or(""));
  // stdout carries the protocol alone: anything a library prints goes to stderr.
  std::FILE* protocol = fdopen(dup(STDOUT_FILENO), "w");
  dup2(STDERR_FILENO, STDOUT_FILENO);
  LocalExecutor executor(options.device, options.threads, options.cache_dir,
                         options.feature_memory_mb);
  serve_jobs(std::cin, protocol, executor, plan);
  std::fclose(protocol);
  return kExitOk;
}

}  // namespace

void add_worker_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* command = app.add_subcommand("worker", "internal: a worker process of `sweep run`");
  command->group("");  // hidden from --help
  command->add_option("--device", options->device)->required();
  command->add_option("--threads", options->threads)->check(CLI::PositiveNumber);
  command->add_option("--cache", options->cache_dir)->required();
  command->add_option("--feature-memory", options->feature_memory_mb)
      ->check(CLI::NonNegativeNumber);
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return work(*options); }); });
}

}  // namespace sweep
