#include "runner/commands/command_submit.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/system.h"
#include "runner/commands/cli.h"
#include "runner/commands/sweep_loading.h"
#include "runner/submission.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

struct SubmitOptions {
  std::string file;
  bool slurm = false;
  std::string cache_dir;  // as given; the tasks get it absolute
  bool dry_run = false;
  SubmissionOptions submission;
};

std::string nothing_to_submit(const LoadedSweep& sweep, const SubmissionPlan& plan,
                              const std::string& db) {
  std::string text = sweep.spec.name + ": nothing to submit: " + std::to_string(plan.done) +
                     " of " + std::to_string(plan.total) + " trials done";
  if (plan.failed > 0)
    text += ", " + std::to_string(plan.failed) + " failed (--retry-failed runs them again)";
  if (plan.in_flight > 0)
    text += ", " + std::to_string(plan.in_flight) + " queued or running in earlier jobs";
  return text + "; `sweep merge --db " + db + "` folds finished shards in\n";
}

std::string describe_tasks(const SubmissionPlan& plan) {
  std::string text;
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const ShardTask& t = plan.tasks[i];
    text += "  task " + std::to_string(i) + ": " + t.backbone + " on " + t.target + ", " +
            std::to_string(t.trial_ids.size()) +
            (t.trial_ids.size() == 1 ? " trial\n" : " trials\n");
  }
  return text;
}

int submit(const SubmitOptions& o, Slurm& slurm) {
  SubmissionOptions options = o.submission;
  options.cache_dir =
      fs::absolute(o.cache_dir.empty() ? default_cache_dir() : o.cache_dir).string();
  const LoadedSweep sweep = load_checked_sweep(o.file, options.cache_dir);
  print_notes(sweep);
  adopt_earlier_trials(sweep, options.db);
  options.sweep_binary = fs::read_symlink("/proc/self/exe").string();
  const SubmissionDraft draft = draft_submission(sweep, options, slurm, real_system());
  const SubmissionPlan& plan = draft.plan;
  if (plan.tasks.empty()) {
    std::fputs(nothing_to_submit(sweep, plan, options.db).c_str(), stdout);
    return kExitOk;
  }
  const std::string summary = std::to_string(plan.tasks.size()) +
                              (plan.tasks.size() == 1 ? " array task, " : " array tasks, ") +
                              std::to_string(plan.planned) + " trials (" +
                              std::to_string(plan.done) + " already done)";
  if (o.dry_run) {
    std::fputs(draft.script.c_str(), stdout);
    std::fprintf(stderr, "%s: %s\n%s(dry run: nothing was written or submitted)\n",
                 sweep.spec.name.c_str(), summary.c_str(), describe_tasks(plan).c_str());
    return kExitOk;
  }
  const std::string job_id = submit_draft(draft, sweep, options, slurm);
  std::printf(
      "%s: submitted Slurm job %s: %s\n%sshards in %s\nwatch with `sweep status --db %s`; "
      "when the tasks are done, `sweep merge --db %s`\n",
      sweep.spec.name.c_str(), job_id.c_str(), summary.c_str(), describe_tasks(plan).c_str(),
      draft.folder.c_str(), options.db.c_str(), options.db.c_str());
  return kExitOk;
}

}  // namespace

void add_submit_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SubmitOptions>();
  CLI::App* command = app.add_subcommand(
      "submit", "Run a sweep on a Slurm cluster: one job array, a task per backbone and target");
  command->add_option("file", o->file, "sweep file (JSON)")->required();
  command->add_flag("--slurm", o->slurm, "submit to Slurm with sbatch (the only scheduler so far)")
      ->required();
  add_db_option(*command, o->submission.db);
  command->add_option("--partition", o->submission.partition,
                      "Slurm partition (default: the cluster's)");
  command
      ->add_option("--gpus-per-task", o->submission.gpus_per_task,
                   "GPUs per array task, as --gres=gpu:N (default: none, the CPU)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--cpus-per-task", o->submission.cpus_per_task,
                   "CPU cores per array task (default: the cluster's)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-parallel", o->submission.max_parallel, "array tasks running at once (%K)")
      ->check(CLI::PositiveNumber);
  command->add_option("--time", o->submission.time,
                      "time limit per task, e.g. 2:00:00 (default: the partition's)");
  command->add_flag("--retry-failed", o->submission.retry_failed, "submit failed trials again");
  command->add_option("--cache", o->cache_dir,
                      "folder for pretrained weights that every node sees (default: $SWEEP_CACHE "
                      "or ~/.cache/sweep)");
  command->add_flag("--dry-run", o->dry_run, "print the batch script; write and submit nothing");
  command->callback([o, &exit_code] {
    exit_code = run_guarded([&] {
      auto runner = make_process_runner();
      Slurm slurm(*runner);
      return submit(*o, slurm);
    });
  });
}

}  // namespace sweep
