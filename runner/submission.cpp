#include "runner/submission.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "cluster/batch_script.h"
#include "cluster/shard_manifest.h"
#include "cluster/submission_layout.h"
#include "core/errors.h"
#include "core/path_kind.h"
#include "runner/shard_folders.h"
#include "storage/shard_merge.h"
#include "storage/submissions.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// "20250101-120000-smoke": when and what, unique under `root`.
std::string new_submission_name(const std::string& root, const std::string& sweep, System& system) {
  char stamp[32];
  const auto now = static_cast<std::time_t>(system.unix_seconds());
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
    const SubmissionLayout layout((fs::path(root) / s.folder).string());
    for (const auto& [task, state] : job.tasks) {
      if (!task_may_run(state.state)) continue;
      const std::string manifest = layout.manifest(task);
      if (!fs::exists(manifest)) continue;
      for (const std::string& id : load_manifest(manifest).trial_ids) ids.insert(id);
    }
  }
  return ids;
}

// What is left to run: the grid against the database, the shards next to it
// and the tasks of earlier submissions that Slurm may still run. Reads only.
SubmissionPlan plan_for(const LoadedSweep& sweep, const SubmissionOptions& o,
                        const std::string& root, Slurm& slurm) {
  std::map<std::string, TrialProgress> known = shards_progress(root);
  std::set<std::string> in_flight;
  if (path_kind(o.db) != PathKind::kMissing) {
    ResultsStore store(o.db, Access::kReadOnly);
    fold_progress(known, stored_progress(store));
    in_flight = trials_in_flight(store, sweep.spec.name, root, slurm);
  }
  return plan_submission(sweep.trials, known, in_flight, o.retry_failed);
}

BatchSettings settings_for(const SubmissionOptions& o, const LoadedSweep& sweep,
                           const SubmissionPlan& plan, const std::string& folder) {
  BatchSettings settings;
  settings.job_name = slurm_job_name(sweep.spec.name);
  settings.tasks = static_cast<int>(plan.tasks.size());
  settings.max_parallel = o.max_parallel;
  settings.partition = o.partition;
  settings.gpus_per_task = o.gpus_per_task;
  settings.cpus_per_task = o.cpus_per_task;
  settings.time = o.time;
  settings.sweep_binary = o.sweep_binary;
  settings.folder = folder;
  return settings;
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

}  // namespace

SubmissionDraft draft_submission(const LoadedSweep& sweep, const SubmissionOptions& options,
                                 Slurm& slurm, System& system) {
  check_slurm_value("--partition", options.partition);
  check_slurm_value("--time", options.time);
  const std::string root = shards_root(options.db);
  if (const auto c = unsafe_slurm_char(root)) {
    throw InputError(root + ": the shards folder's path holds '" + std::string(1, *c) +
                     "', which #SBATCH lines cannot take; pass --db a database in a folder "
                     "whose path has none");
  }
  SubmissionDraft draft;
  draft.plan = plan_for(sweep, options, root, slurm);
  if (draft.plan.tasks.empty()) return draft;
  draft.folder = (fs::path(root) / new_submission_name(root, sweep.spec.name, system)).string();
  draft.script = batch_script(settings_for(options, sweep, draft.plan, draft.folder));
  return draft;
}

std::string submit_draft(const SubmissionDraft& draft, const LoadedSweep& sweep,
                         const SubmissionOptions& options, Slurm& slurm) {
  const SubmissionLayout layout(draft.folder);
  std::string job_id;
  try {
    write_submission(layout, sweep, draft.plan, options.cache_dir, draft.script);
    job_id = slurm.submit(layout.script());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(draft.folder, ignored);
    throw;
  }
  try {
    ResultsStore store(options.db, Access::kReadWrite);
    store.register_sweep(sweep.spec, sweep.trials, sweep.path);
    record_submission(store, {sweep.spec.name, job_id, layout.name(),
                              static_cast<int>(draft.plan.tasks.size()), draft.plan.planned, ""});
  } catch (const std::exception& e) {
    throw RuntimeError(std::string(e.what()) + "; Slurm job " + job_id +
                       " was submitted all the same: `sweep merge --db " + options.db +
                       "` folds its shards in when it is done");
  }
  return job_id;
}

}  // namespace sweep
