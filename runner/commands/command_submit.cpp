#include "runner/commands/command_submit.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "cluster/batch_script.h"
#include "cluster/shard_manifest.h"
#include "cluster/shard_plan.h"
#include "cluster/slurm.h"
#include "cluster/submission_layout.h"
#include "core/errors.h"
#include "runner/commands/cli.h"
#include "runner/commands/sweep_loading.h"
#include "runner/shard_folders.h"
#include "storage/shard_merge.h"
#include "storage/submissions.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

struct SubmitOptions {
  std::string file;
  std::string db = "sweep.db";
  bool slurm = false;
  std::string partition;
  int gpus_per_task = 0;
  int cpus_per_task = 0;
  int max_parallel = 0;
  std::string time;
  bool retry_failed = false;
  std::string cache_dir;
  bool dry_run = false;
};

// "20250101-120000-smoke": when and what, unique under `root`.
std::string new_submission_name(const std::string& root, const std::string& sweep) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  const std::string base = std::string(stamp) + "-" + slurm_job_name(sweep).substr(6);
  std::string name = base;
  for (int n = 2; fs::exists(fs::path(root) / name); ++n) name = base + "-" + std::to_string(n);
  return name;
}

// Trials of the sweep's earlier submissions whose task Slurm may still run.
std::set<std::string> trials_in_flight(ResultsStore& store, const std::string& sweep,
                                       const std::string& root, Slurm& slurm) {
  std::set<std::string> ids;
  for (const Submission& s : submissions(store, sweep)) {
    const JobTasks job = slurm.tasks(s.job_id);
    if (!job.unknown.empty()) {
      throw InputError(job.unknown + ": cannot tell which trials Slurm job " + s.job_id +
                       " still runs; nothing was submitted");
    }
    for (const auto& [task, state] : job.tasks) {
      if (!task_may_run(state.state)) continue;
      const std::string manifest =
          SubmissionLayout((fs::path(root) / s.folder).string()).manifest(task);
      if (!fs::exists(manifest)) continue;
      for (const std::string& id : load_manifest(manifest).trial_ids) ids.insert(id);
    }
  }
  return ids;
}

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

void write_submission(const SubmissionLayout& layout, const LoadedSweep& sweep,
                      const SubmissionPlan& plan, const std::string& cache_dir,
                      const std::string& script) {
  fs::create_directories(layout.logs());
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    ShardManifest m;
    m.sweep = sweep.spec;
    m.submission = layout.name();
    m.task = static_cast<int>(i);
    m.backbone = plan.tasks[i].backbone;
    m.target = plan.tasks[i].target;
    m.trial_ids = plan.tasks[i].trial_ids;
    for (const std::string& id : m.trial_ids) m.attempts[id] = plan.attempts.at(id);
    m.shard_path = layout.shard(m.task);
    m.cache_dir = cache_dir;
    save_manifest(m, layout.manifest(m.task));
  }
  std::ofstream out(layout.script());
  out << script;
  out.close();
  if (!out) throw RuntimeError(layout.script() + ": cannot write the batch script");
}

// What is left to run: the grid against the database, the shards next to it
// and the tasks of earlier submissions that Slurm may still run. Reads only.
SubmissionPlan plan_for(const LoadedSweep& sweep, const SubmitOptions& o, const std::string& root,
                        Slurm& slurm) {
  std::map<std::string, TrialProgress> known = shards_progress(root);
  std::set<std::string> in_flight;
  if (fs::exists(o.db)) {
    ResultsStore store(o.db, Access::kReadOnly);
    fold_progress(known, stored_progress(store));
    in_flight = trials_in_flight(store, sweep.spec.name, root, slurm);
  }
  return plan_submission(sweep.trials, known, in_flight, o.retry_failed);
}

BatchSettings settings_for(const SubmitOptions& o, const LoadedSweep& sweep,
                           const SubmissionPlan& plan, const fs::path& folder) {
  BatchSettings settings;
  settings.job_name = slurm_job_name(sweep.spec.name);
  settings.tasks = static_cast<int>(plan.tasks.size());
  settings.max_parallel = o.max_parallel;
  settings.partition = o.partition;
  settings.gpus_per_task = o.gpus_per_task;
  settings.cpus_per_task = o.cpus_per_task;
  settings.time = o.time;
  settings.sweep_binary = fs::read_symlink("/proc/self/exe").string();
  settings.folder = folder.string();
  return settings;
}

// Writes the submission's folder and submits it; the folder goes again when
// that fails. Then registers the sweep and records the job. Returns the job id.
std::string submit_and_record(const SubmitOptions& o, const LoadedSweep& sweep,
                              const SubmissionPlan& plan, const fs::path& folder,
                              const std::string& script, Slurm& slurm) {
  const std::string cache =
      fs::absolute(o.cache_dir.empty() ? default_cache_dir() : o.cache_dir).string();
  std::string job_id;
  const SubmissionLayout layout(folder.string());
  try {
    write_submission(layout, sweep, plan, cache, script);
    job_id = slurm.submit(layout.script());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
    throw;
  }
  try {
    ResultsStore store(o.db, Access::kReadWrite);
    store.register_sweep(sweep.spec, sweep.trials, sweep.path);
    record_submission(store, {sweep.spec.name, job_id, folder.filename().string(),
                              static_cast<int>(plan.tasks.size()), plan.planned, ""});
  } catch (const std::exception& e) {
    throw RuntimeError(std::string(e.what()) + "; Slurm job " + job_id +
                       " was submitted all the same: `sweep merge --db " + o.db +
                       "` folds its shards in when it is done");
  }
  return job_id;
}

int submit(const SubmitOptions& o, Slurm& slurm) {
  const LoadedSweep sweep = load_checked_sweep(o.file);
  check_slurm_value("--partition", o.partition);
  check_slurm_value("--time", o.time);
  const std::string root = shards_root(o.db);
  if (const auto c = unsafe_slurm_char(root)) {
    throw InputError(root + ": the shards folder's path holds '" + std::string(1, *c) +
                     "', which #SBATCH lines cannot take; pass --db a database in a folder "
                     "whose path has none");
  }
  const SubmissionPlan plan = plan_for(sweep, o, root, slurm);
  if (plan.tasks.empty()) {
    std::fputs(nothing_to_submit(sweep, plan, o.db).c_str(), stdout);
    return kExitOk;
  }
  const fs::path folder = fs::path(root) / new_submission_name(root, sweep.spec.name);
  const std::string script = batch_script(settings_for(o, sweep, plan, folder));
  const std::string summary = std::to_string(plan.tasks.size()) +
                              (plan.tasks.size() == 1 ? " array task, " : " array tasks, ") +
                              std::to_string(plan.planned) + " trials (" +
                              std::to_string(plan.done) + " already done)";
  if (o.dry_run) {
    std::fputs(script.c_str(), stdout);
    std::fprintf(stderr, "%s: %s\n%s(dry run: nothing was written or submitted)\n",
                 sweep.spec.name.c_str(), summary.c_str(), describe_tasks(plan).c_str());
    return kExitOk;
  }
  const std::string job_id = submit_and_record(o, sweep, plan, folder, script, slurm);
  std::printf(
      "%s: submitted Slurm job %s: %s\n%sshards in %s\nwatch with `sweep status --db %s`; "
      "when the tasks are done, `sweep merge --db %s`\n",
      sweep.spec.name.c_str(), job_id.c_str(), summary.c_str(), describe_tasks(plan).c_str(),
      folder.c_str(), o.db.c_str(), o.db.c_str());
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
  add_db_option(*command, o->db);
  command->add_option("--partition", o->partition, "Slurm partition (default: the cluster's)");
  command
      ->add_option("--gpus-per-task", o->gpus_per_task,
                   "GPUs per array task, as --gres=gpu:N (default: none, the CPU)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--cpus-per-task", o->cpus_per_task,
                   "CPU cores per array task (default: the cluster's)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-parallel", o->max_parallel, "array tasks running at once (%K)")
      ->check(CLI::PositiveNumber);
  command->add_option("--time", o->time,
                      "time limit per task, e.g. 2:00:00 (default: the partition's)");
  command->add_flag("--retry-failed", o->retry_failed, "submit failed trials again");
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
